import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { AgentView, MonitoringView } from '@parley/common';
import { agentsApi } from '../inbox/inbox.api';
import { monitoringApi } from './monitoring.api';

/** Polling catches what no event announces (waits growing, rates falling); events make it prompt. */
const POLL_MS = 5000;
/** A burst of events (a campaign's replies) becomes one refresh. */
const DEBOUNCE_MS = 800;
/** Ten minutes of rate history at one point per poll. */
const HISTORY_POINTS = 120;
/** Refreshes closer than this replace the last point, so the sparkline keeps an even pace. */
const MIN_POINT_SPACING_MS = POLL_MS - 1000;

export interface RatePoint {
  at: number;
  inbound: number;
  outbound: number;
}

export const useMonitoringStore = defineStore('monitoring', () => {
  const snapshot = ref<MonitoringView | null>(null);
  /** Kept in the browser only: the engine answers with the current rates, not their past. */
  const history = ref<RatePoint[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);
  const busyAgents = reactive(new Set<string>());
  let active = false;
  let ticket = 0;
  let poller: ReturnType<typeof setInterval> | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  function record(view: MonitoringView): void {
    const point = { at: Date.parse(view.at), inbound: view.rates.inboundPerMinute, outbound: view.rates.outboundPerMinute };
    const last = history.value.at(-1);
    const kept = last && point.at - last.at < MIN_POINT_SPACING_MS ? history.value.slice(0, -1) : history.value;
    history.value = [...kept, point].slice(-HISTORY_POINTS);
  }

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const view = await monitoringApi.snapshot();
      if (mine !== ticket) return;
      snapshot.value = view;
      error.value = null;
      record(view);
    } catch (failure) {
      if (mine === ticket) error.value = failure;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  /** While the screen is open: fetch now, then every few seconds. */
  function start(): void {
    if (active) return;
    active = true;
    void fetch();
    poller = setInterval(() => void fetch(), POLL_MS);
  }

  function stop(): void {
    active = false;
    clearInterval(poller);
    clearTimeout(debounce);
  }

  /** Something changed somewhere in the tenant: refresh soon, once, if anyone is watching. */
  function nudge(): void {
    if (!active) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void fetch(), DEBOUNCE_MS);
  }

  async function refetch(): Promise<void> {
    if (active) await fetch();
  }

  function receiveAgent(agent: AgentView): void {
    const view = snapshot.value;
    if (!view) return;
    snapshot.value = { ...view, agents: view.agents.map((a) => (a.id === agent.id ? agent : a)) };
  }

  async function setCapacity(id: string, capacity: number): Promise<void> {
    busyAgents.add(id);
    try {
      receiveAgent(await agentsApi.setCapacity(id, capacity));
    } finally {
      busyAgents.delete(id);
    }
  }

  return { snapshot, history, loading, error, busyAgents, fetch, start, stop, nudge, refetch, receiveAgent, setCapacity };
});

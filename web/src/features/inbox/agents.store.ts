import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { AgentView, PresenceStatus } from '@parley/common';
import { agentsApi } from './inbox.api';

/** People who take conversations, with presence and load, for the assign and transfer pickers. */
export const useAgentsStore = defineStore('agents', () => {
  const agents = ref<AgentView[]>([]);
  const loaded = ref(false);
  const loading = reactive({ list: false });
  const busy = reactive(new Set<string>());
  let ticket = 0;

  const sorted = computed(() => [...agents.value].sort((a, b) => a.name.localeCompare(b.name)));

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.list = true;
    try {
      const list = await agentsApi.list();
      if (mine !== ticket) return;
      agents.value = list;
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.list = false;
    }
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  function receive(agent: AgentView): void {
    if (!loaded.value) return;
    agents.value = [...agents.value.filter((a) => a.id !== agent.id), agent];
  }

  function presenceChanged(change: { userId: string; status: PresenceStatus }): void {
    agents.value = agents.value.map((a) => (a.id === change.userId ? { ...a, presence: change.status } : a));
  }

  async function setCapacity(id: string, capacity: number): Promise<AgentView> {
    busy.add(id);
    try {
      const agent = await agentsApi.setCapacity(id, capacity);
      receive(agent);
      return agent;
    } finally {
      busy.delete(id);
    }
  }

  return { agents: sorted, loaded, loading, busy, fetch, refetch, receive, presenceChanged, setCapacity };
});

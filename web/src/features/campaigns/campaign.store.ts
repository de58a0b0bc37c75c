import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { CampaignView, RatePoint, RecipientStatus, RecipientView } from '@parley/common';
import { campaignsApi, type CampaignCommand } from './campaigns.api';

/** Five minutes of the per-second send rate. */
const RATE_POINTS = 300;
/** Recipient rows change with every status webhook: the open page refreshes at most this often. */
const RECIPIENTS_REFRESH_MS = 3000;
const PAGE_SIZE = 25;

function mergePoints(current: RatePoint[], incoming: RatePoint[]): RatePoint[] {
  const byAt = new Map(current.map((point) => [point.at, point]));
  for (const point of incoming) byAt.set(point.at, point);
  return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at)).slice(-RATE_POINTS);
}

/** The campaign open on the detail page: its view, send rate and one page of recipients. */
export const useCampaignStore = defineStore('campaign', () => {
  const campaign = ref<CampaignView | null>(null);
  const points = ref<RatePoint[]>([]);
  const recipients = ref<RecipientView[]>([]);
  const status = ref<RecipientStatus | null>(null);
  /** Cursors of the pages before the current one; the first page has none. */
  const cursors = ref<(string | undefined)[]>([]);
  const cursor = ref<string | undefined>(undefined);
  const next = ref<string | null>(null);
  const recipient = ref<RecipientView | null>(null);
  const loading = reactive({ campaign: false, recipients: false, recipient: false, command: false, budget: false });
  let openId: string | null = null;
  let ticket = 0;
  let recipientsTicket = 0;
  let refresh: ReturnType<typeof setTimeout> | undefined;
  let wantedRecipient: string | null = null;

  /**
   * One page of recipients. `quiet`: the periodic refresh while the campaign sends, which swaps
   * the rows in place instead of dimming the table every few seconds.
   */
  async function fetchRecipients(quiet = false): Promise<void> {
    const id = openId;
    if (!id) return;
    const mine = ++recipientsTicket;
    if (!quiet) loading.recipients = true;
    try {
      const page = await campaignsApi.recipients(id, { status: status.value ?? undefined, limit: PAGE_SIZE, after: cursor.value });
      if (mine !== recipientsTicket || id !== openId) return;
      recipients.value = page.items;
      next.value = page.next;
    } finally {
      if (mine === recipientsTicket) loading.recipients = false;
    }
  }

  async function fetch(): Promise<void> {
    const id = openId;
    if (!id) return;
    const mine = ++ticket;
    loading.campaign = true;
    try {
      const [view, rate] = await Promise.all([campaignsApi.get(id), campaignsApi.rate(id)]);
      if (mine !== ticket || id !== openId) return;
      campaign.value = view;
      points.value = mergePoints([], rate);
    } finally {
      if (mine === ticket) loading.campaign = false;
    }
  }

  async function open(id: string): Promise<void> {
    if (openId !== id) {
      campaign.value = null;
      points.value = [];
      recipients.value = [];
      recipient.value = null;
      status.value = null;
      cursors.value = [];
      cursor.value = undefined;
    }
    openId = id;
    await Promise.all([fetch(), fetchRecipients()]);
  }

  function close(): void {
    openId = null;
    clearTimeout(refresh);
  }

  async function refetch(): Promise<void> {
    await Promise.all([fetch(), fetchRecipients()]);
  }

  function receive(view: CampaignView): void {
    if (view.id !== openId) return;
    campaign.value = view;
    if (refresh === undefined) {
      refresh = setTimeout(() => {
        refresh = undefined;
        void fetchRecipients(true).catch(reportError);
      }, RECIPIENTS_REFRESH_MS);
    }
  }

  function receivePoints(campaignId: string, incoming: RatePoint[]): void {
    if (campaignId === openId) points.value = mergePoints(points.value, incoming);
  }

  async function filterBy(next: RecipientStatus | null): Promise<void> {
    status.value = next;
    cursors.value = [];
    cursor.value = undefined;
    await fetchRecipients();
  }

  async function nextPage(): Promise<void> {
    if (!next.value) return;
    cursors.value = [...cursors.value, cursor.value];
    cursor.value = next.value;
    await fetchRecipients();
  }

  async function previousPage(): Promise<void> {
    if (cursors.value.length === 0) return;
    cursor.value = cursors.value.at(-1);
    cursors.value = cursors.value.slice(0, -1);
    await fetchRecipients();
  }

  async function command(action: CampaignCommand): Promise<CampaignView> {
    const id = openId;
    if (!id) throw new Error('no campaign is open');
    loading.command = true;
    try {
      const view = await campaignsApi.command(id, action);
      receive(view);
      return view;
    } finally {
      loading.command = false;
    }
  }

  /** The one change a launched campaign takes: its budget cap. */
  async function changeBudget(budgetCap: number): Promise<CampaignView> {
    const id = openId;
    if (!id) throw new Error('no campaign is open');
    loading.budget = true;
    try {
      const view = await campaignsApi.update(id, { budgetCap });
      receive(view);
      return view;
    } finally {
      loading.budget = false;
    }
  }

  async function showRecipient(recipientId: string): Promise<void> {
    const id = openId;
    if (!id) return;
    wantedRecipient = recipientId;
    recipient.value = recipients.value.find((row) => row.id === recipientId) ?? null;
    loading.recipient = true;
    try {
      const detail = await campaignsApi.recipient(id, recipientId);
      if (wantedRecipient === recipientId) recipient.value = detail;
    } finally {
      loading.recipient = false;
    }
  }

  function hideRecipient(): void {
    wantedRecipient = null;
    recipient.value = null;
  }

  return {
    campaign,
    points,
    recipients,
    status,
    cursors,
    next,
    recipient,
    loading,
    open,
    close,
    fetch,
    refetch,
    receive,
    receivePoints,
    filterBy,
    nextPage,
    previousPage,
    command,
    changeBudget,
    showRecipient,
    hideRecipient,
  };
});

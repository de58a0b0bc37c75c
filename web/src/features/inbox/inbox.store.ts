import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { ConversationView, Queue } from '@parley/common';
import { useAuthStore } from '../auth/auth.store';
import { conversationsApi } from './inbox.api';
import { OPEN_STATES } from './inbox.labels';
import { usePresenceStore } from './presence.store';

export type InboxTab = Queue | 'mine' | 'all';
export type InboxStatus = 'open' | 'done';

/**
 * One list of everything the user may see, filtered into tabs here: socket events carry whole
 * views, so a conversation moving between queues or people only needs its tab predicate re-run.
 * The engine's maximum page is enough for a live inbox; resolved history beyond it is not a queue.
 */
const LIST_LIMIT = 200;

function byLastMessage(a: ConversationView, b: ConversationView): number {
  return (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '');
}

export const useInboxStore = defineStore('inbox', () => {
  const auth = useAuthStore();
  const presence = usePresenceStore();
  const conversations = ref<ConversationView[]>([]);
  const tab = ref<InboxTab>('all');
  const status = ref<InboxStatus>('open');
  const loaded = ref(false);
  const loading = reactive({ list: false });
  let ticket = 0;

  const myId = computed(() => auth.session?.user.id ?? null);
  const seesEveryQueue = computed(() => auth.roles.includes('tenant_admin') || auth.roles.includes('manager'));

  /** The engine's rule, repeated because events go to the whole tenant: queue, own, or still with the bot. */
  function maySee(conversation: ConversationView): boolean {
    if (seesEveryQueue.value) return true;
    if (conversation.queue === null || conversation.assignee?.id === myId.value) return true;
    return auth.queues.includes(conversation.queue);
  }

  const tabs = computed<InboxTab[]>(() => {
    const list: InboxTab[] = [...auth.queues];
    if (presence.takesConversations) list.push('mine');
    list.push('all');
    return list;
  });

  function inTab(conversation: ConversationView, which: InboxTab): boolean {
    if (which === 'all') return true;
    if (which === 'mine') return conversation.assignee?.id === myId.value;
    return conversation.queue === which;
  }

  function inStatus(conversation: ConversationView): boolean {
    return OPEN_STATES.includes(conversation.state) === (status.value === 'open');
  }

  const sorted = computed(() => [...conversations.value].sort(byLastMessage));
  const visible = computed(() => sorted.value.filter((c) => inTab(c, tab.value) && inStatus(c)));

  /** Unread messages per tab, among open conversations, for the badges on the tabs. */
  const unreadByTab = computed(() => {
    const counts: Partial<Record<InboxTab, number>> = {};
    for (const which of tabs.value) {
      counts[which] = conversations.value
        .filter((c) => OPEN_STATES.includes(c.state) && inTab(c, which))
        .reduce((sum, c) => sum + c.unread, 0);
    }
    return counts;
  });

  const byId = (id: string) => conversations.value.find((c) => c.id === id) ?? null;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.list = true;
    try {
      const list = await conversationsApi.list({ limit: LIST_LIMIT });
      if (mine !== ticket) return;
      conversations.value = list.filter(maySee);
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.list = false;
    }
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  /** Upserts a view from an event or an answer; one the user may no longer see leaves the list. */
  function receive(conversation: ConversationView): void {
    if (!loaded.value) return;
    const rest = conversations.value.filter((c) => c.id !== conversation.id);
    conversations.value = maySee(conversation) ? [...rest, conversation] : rest;
  }

  /** Opening a conversation reads it; the engine confirms with an event, this spares the wait. */
  function markSeen(id: string): void {
    const found = byId(id);
    if (found && found.unread > 0) receive({ ...found, unread: 0 });
  }

  return { conversations: sorted, visible, tab, status, tabs, unreadByTab, loaded, loading, byId, fetch, refetch, receive, markSeen };
});

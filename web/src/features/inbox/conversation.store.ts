import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { ConversationView, DeliveryStatus, MessageView, Queue, SendTemplateBody } from '@parley/common';
import { isApiError } from '../../app/http';
import { conversationsApi } from './inbox.api';
import { isNewerStatus } from './inbox.labels';
import { useInboxStore } from './inbox.store';

/** WhatsApp shows "typing…" for about 25 s per call; once every 10 s keeps it on while the agent writes. */
const TYPING_EVERY_MS = 10_000;

type Operation = 'detail' | 'send' | 'template' | 'note' | 'assign' | 'transfer' | 'resolve';

function byTime(a: MessageView, b: MessageView): number {
  return a.at.localeCompare(b.at);
}

/**
 * A fetched timeline plus what events brought while it was on its way: an event may be newer than
 * the answer, so for each message the furthest status wins.
 */
function merge(fetched: MessageView[], live: MessageView[]): MessageView[] {
  const byId = new Map(fetched.map((message) => [message.id, message]));
  for (const message of live) {
    const known = byId.get(message.id);
    if (!known || (message.status !== null && isNewerStatus(message.status, known.status))) byId.set(message.id, message);
  }
  return [...byId.values()].sort(byTime);
}

/**
 * The conversation open in the inbox. Every answer is checked against the id that is open when it
 * lands: an answer for a conversation the agent has already left is dropped, not shown in another.
 */
export const useConversationStore = defineStore('conversation', () => {
  const currentId = ref<string | null>(null);
  const conversation = ref<ConversationView | null>(null);
  const messages = ref<MessageView[]>([]);
  const loading = reactive<Record<Operation, boolean>>({ detail: false, send: false, template: false, note: false, assign: false, transfer: false, resolve: false });
  /** The engine answered WINDOW_CLOSED: templates only, whatever this machine's clock says. */
  const windowRefused = ref(false);
  let typingSentAt = 0;

  function reset(id: string | null): void {
    currentId.value = id;
    conversation.value = id ? useInboxStore().byId(id) : null;
    messages.value = [];
    windowRefused.value = false;
    typingSentAt = 0;
    for (const key of Object.keys(loading) as Operation[]) loading[key] = false;
  }

  /** Runs one operation on the open conversation with its own loading flag. */
  async function run<T>(operation: Operation, call: (id: string) => Promise<T>): Promise<T | null> {
    const id = currentId.value;
    if (!id) return null;
    loading[operation] = true;
    try {
      const result = await call(id);
      return currentId.value === id ? result : null;
    } finally {
      if (currentId.value === id) loading[operation] = false;
    }
  }

  async function open(id: string): Promise<void> {
    if (currentId.value === id) return;
    close();
    reset(id);
    const detail = await run('detail', conversationsApi.detail);
    if (!detail) return;
    receiveConversation(detail.conversation);
    messages.value = merge(detail.messages, messages.value);
    markRead();
  }

  function close(): void {
    reset(null);
  }

  /** Blue ticks for the customer and unread back to zero; only while the agent is looking. */
  function markRead(): void {
    const id = currentId.value;
    if (!id || document.visibilityState !== 'visible') return;
    useInboxStore().markSeen(id);
    conversationsApi.markRead(id).catch(reportError);
  }

  /** Called on every keystroke; shows "typing…" on the customer's phone at most every 10 s. */
  function typing(): void {
    const id = currentId.value;
    if (!id || Date.now() - typingSentAt < TYPING_EVERY_MS) return;
    typingSentAt = Date.now();
    conversationsApi.markRead(id, true).catch(reportError);
  }

  async function sendText(text: string): Promise<void> {
    const id = currentId.value;
    try {
      receiveMessage(await run('send', (target) => conversationsApi.sendText(target, text)));
    } catch (error) {
      if (isApiError(error, 'WINDOW_CLOSED') && id === currentId.value) windowClosedByEngine(error.details.windowExpiresAt);
      throw error;
    }
  }

  /** The engine's clock decides: its window end replaces the one this page had. */
  function windowClosedByEngine(endedAt: unknown): void {
    windowRefused.value = true;
    const view = conversation.value;
    if (view && (typeof endedAt === 'string' || endedAt === null)) conversation.value = { ...view, windowExpiresAt: endedAt };
  }

  async function sendTemplate(body: SendTemplateBody): Promise<void> {
    receiveMessage(await run('template', (id) => conversationsApi.sendTemplate(id, body)));
  }

  async function addNote(text: string): Promise<void> {
    receiveMessage(await run('note', (id) => conversationsApi.addNote(id, text)));
  }

  async function assign(agentId: string): Promise<void> {
    receiveConversation(await run('assign', (id) => conversationsApi.assign(id, agentId)));
  }

  async function transfer(target: { queue: Queue } | { agentId: string }): Promise<void> {
    receiveConversation(await run('transfer', (id) => conversationsApi.transfer(id, target)));
  }

  async function resolve(): Promise<void> {
    receiveConversation(await run('resolve', conversationsApi.resolve));
  }

  function receiveConversation(view: ConversationView | null): void {
    if (!view) return;
    useInboxStore().receive(view);
    if (view.id === currentId.value) conversation.value = view;
  }

  function receiveMessage(message: MessageView | null): void {
    if (!message || message.conversationId !== currentId.value) return;
    const rest = messages.value.filter((m) => m.id !== message.id);
    messages.value = [...rest, message].sort(byTime);
    if (message.direction !== 'inbound') return;
    // The customer wrote: the window is open again, and the agent is looking at it.
    windowRefused.value = false;
    markRead();
  }

  function receiveStatus(change: { conversationId: string; messageId: string; status: DeliveryStatus; error: MessageView['error'] }): void {
    if (change.conversationId !== currentId.value) return;
    messages.value = messages.value.map((m) => (m.id === change.messageId && isNewerStatus(change.status, m.status) ? { ...m, status: change.status, error: change.error } : m));
  }

  /** After a reconnect: reload what may have been missed while offline. */
  async function refetch(): Promise<void> {
    const id = currentId.value;
    if (!id) return;
    const detail = await conversationsApi.detail(id);
    if (currentId.value !== id) return;
    receiveConversation(detail.conversation);
    messages.value = merge(detail.messages, messages.value);
  }

  return {
    currentId,
    conversation,
    messages,
    loading,
    windowRefused,
    open,
    close,
    markRead,
    typing,
    sendText,
    sendTemplate,
    addNote,
    assign,
    transfer,
    resolve,
    receiveConversation,
    receiveMessage,
    receiveStatus,
    refetch,
  };
});

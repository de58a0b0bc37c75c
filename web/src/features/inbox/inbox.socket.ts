import type { ServerToClientEvents } from '@parley/common';
import { useAgentsStore } from './agents.store';
import { useConversationStore } from './conversation.store';
import { useInboxStore } from './inbox.store';
import { usePresenceStore } from './presence.store';

export const inboxSocket = {
  conversationUpdated: ((conversation) => {
    useInboxStore().receive(conversation);
    useConversationStore().receiveConversation(conversation);
  }) satisfies ServerToClientEvents['conversation:updated'],

  messageCreated: ((message) => useConversationStore().receiveMessage(message)) satisfies ServerToClientEvents['message:created'],

  messageStatusChanged: ((change) => useConversationStore().receiveStatus(change)) satisfies ServerToClientEvents['message:status-changed'],

  agentUpdated: ((agent) => useAgentsStore().receive(agent)) satisfies ServerToClientEvents['agent:updated'],

  presenceChanged: ((change) => {
    useAgentsStore().presenceChanged(change);
    usePresenceStore().changedElsewhere(change);
  }) satisfies ServerToClientEvents['presence:changed'],

  /**
   * On every connection, the first included: the agent's presence. The open conversation's events
   * need no joining: they reach its queue's room, its assignee and its readers, rooms every socket
   * joins by its roles when it connects.
   */
  connected: async () => {
    await usePresenceStore().announce();
  },

  refetch: async () => {
    await Promise.all([useInboxStore().refetch(), useConversationStore().refetch(), useAgentsStore().refetch()]);
  },
};

import { serviceWindowEnd, serviceWindowOpen, type ConversationView, type CustomerSummary, type MessageView } from '@parley/common';
import type { ConversationDoc, MessageDoc } from './conversations.model.js';

export function toMessageView(doc: MessageDoc): MessageView {
  return {
    id: String(doc._id),
    conversationId: doc.conversationId,
    direction: doc.direction,
    type: doc.type,
    text: doc.text,
    at: doc.at.toISOString(),
    author: doc.author,
    status: doc.status,
    error: doc.error,
    wamid: doc.wamid,
  };
}

export function toConversationView(doc: ConversationDoc, customer: CustomerSummary, assigneeName: string | null): ConversationView {
  return {
    id: String(doc._id),
    customer,
    state: doc.state,
    queue: doc.queue,
    assignee: doc.assigneeId ? { id: doc.assigneeId, name: assigneeName ?? 'Agent' } : null,
    topic: doc.topic,
    ticketId: doc.ticketId,
    quotationId: doc.quotationId,
    lastMessageAt: doc.lastMessageAt?.toISOString() ?? null,
    lastMessagePreview: doc.lastMessagePreview,
    lastInboundAt: doc.lastInboundAt?.toISOString() ?? null,
    windowExpiresAt: windowExpiresAt(doc),
    waitingSince: doc.waitingSince?.toISOString() ?? null,
    unread: doc.unread,
  };
}

/** Whether free-form messages may go to the conversation's customer now (the 24-hour window). */
export function windowOpen(doc: Pick<ConversationDoc, 'lastInboundAt'>, now = Date.now()): boolean {
  return serviceWindowOpen(doc.lastInboundAt?.getTime() ?? null, now);
}

/** When the conversation's 24-hour window closes (ISO), or null when the customer never wrote. */
export function windowExpiresAt(doc: Pick<ConversationDoc, 'lastInboundAt'>): string | null {
  const end = serviceWindowEnd(doc.lastInboundAt?.getTime() ?? null);
  return end === null ? null : new Date(end).toISOString();
}

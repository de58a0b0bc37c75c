import type { ConversationView, CustomerSummary, MessageView } from '@parley/common';
import type { ConversationDoc, MessageDoc } from './conversations.model.js';

const DAY_MS = 24 * 60 * 60 * 1000;

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
    windowExpiresAt: doc.lastInboundAt ? new Date(doc.lastInboundAt.getTime() + DAY_MS).toISOString() : null,
    waitingSince: doc.waitingSince?.toISOString() ?? null,
    unread: doc.unread,
  };
}

export function windowOpen(doc: Pick<ConversationDoc, 'lastInboundAt'>, now = Date.now()): boolean {
  return doc.lastInboundAt !== null && now - doc.lastInboundAt.getTime() < DAY_MS;
}

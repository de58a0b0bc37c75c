import { Schema, Types } from 'mongoose';
import type { ConversationState, DeliveryStatus, MessageDirection, Queue } from '@parley/common';

/** The inbox's read model of a conversation actor, rewritten after every committed transition. */
export interface ConversationDoc {
  _id: Types.ObjectId;
  customerId: string;
  phoneNumberId: string;
  state: ConversationState;
  queue: Queue | null;
  assigneeId: string | null;
  topic: { kind: 'services' | 'products' | 'issues'; name: string } | null;
  ticketId: string | null;
  quotationId: string | null;
  lastMessageAt: Date | null;
  lastMessagePreview: string | null;
  lastInboundAt: Date | null;
  lastInboundWamid: string | null;
  waitingSince: Date | null;
  /** While awaiting a review: when it was asked for (the sweep closes it after REVIEW_TIMEOUT_SECONDS). */
  reviewRequestedAt: Date | null;
  unread: number;
  rev: number;
  createdAt: Date;
}

export const conversationSchema = new Schema<ConversationDoc>(
  {
    customerId: { type: String, required: true },
    phoneNumberId: { type: String, required: true },
    state: { type: String, required: true },
    queue: { type: String, default: null },
    assigneeId: { type: String, default: null },
    topic: { type: Schema.Types.Mixed, default: null },
    ticketId: { type: String, default: null },
    quotationId: { type: String, default: null },
    lastMessageAt: { type: Date, default: null },
    lastMessagePreview: { type: String, default: null },
    lastInboundAt: { type: Date, default: null },
    lastInboundWamid: { type: String, default: null },
    waitingSince: { type: Date, default: null },
    reviewRequestedAt: { type: Date, default: null },
    unread: { type: Number, default: 0 },
    rev: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'conversations', versionKey: false, minimize: false },
);
// One thread per customer and business number; a unique insert settles concurrent first messages.
conversationSchema.index({ customerId: 1, phoneNumberId: 1 }, { unique: true });
conversationSchema.index({ state: 1, queue: 1, waitingSince: 1 });
conversationSchema.index({ assigneeId: 1, state: 1 });
conversationSchema.index({ lastMessageAt: -1 });

export interface MessageDoc {
  _id: Types.ObjectId;
  conversationId: string;
  /**
   * Unique and always set: `in:<wamid>` for inbound, the effect id for bot and agent sends,
   * `note:<id>` for notes. It is the claim that makes each send happen at most once.
   */
  key: string;
  direction: MessageDirection;
  type: string;
  text: string;
  at: Date;
  author: { kind: 'customer' | 'bot' | 'agent' | 'system'; id: string | null; name: string | null };
  wamid: string | null;
  status: DeliveryStatus | null;
  statusRank: number;
  error: { code: number; message: string } | null;
  /** Set just before the Graph call: pending with this set and no wamid is an ambiguous send. */
  attemptedAt: Date | null;
  payload: unknown;
}

export const messageSchema = new Schema<MessageDoc>(
  {
    conversationId: { type: String, required: true },
    key: { type: String, required: true },
    direction: { type: String, required: true },
    type: { type: String, required: true },
    text: { type: String, default: '' },
    at: { type: Date, required: true },
    author: { type: Schema.Types.Mixed, required: true },
    wamid: { type: String, default: null },
    status: { type: String, default: null },
    statusRank: { type: Number, default: 0 },
    error: { type: Schema.Types.Mixed, default: null },
    attemptedAt: { type: Date, default: null },
    payload: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'messages', versionKey: false, minimize: false },
);
messageSchema.index({ key: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, at: 1 });
messageSchema.index({ wamid: 1 });
messageSchema.index({ status: 1, attemptedAt: 1 });
messageSchema.index({ direction: 1, at: 1 });

/** Delivery ranks: statuses only move forward (sent < delivered < read). */
export const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, played: 3 };

/**
 * wamid → message, keyed by the wamid itself: status webhooks find their message by primary key,
 * the one lookup that stays fast on every backend however many messages a tenant has.
 */
export interface WamidRefDoc {
  _id: string;
  messageId: string;
}

export const wamidRefSchema = new Schema<WamidRefDoc>(
  { _id: { type: String, required: true }, messageId: { type: String, required: true } },
  { collection: 'wamid_refs', versionKey: false },
);

/** An agent's own settings; an agent without one takes DEFAULT_CAPACITY conversations at once. */
export interface AgentSettingsDoc {
  _id: string;
  capacity: number;
}

export const agentSettingsSchema = new Schema<AgentSettingsDoc>(
  { _id: { type: String, required: true }, capacity: { type: Number, required: true } },
  { collection: 'agent_settings', versionKey: false },
);

import { Schema } from 'mongoose';

/** A webhook item stored before Meta gets its 200; `_id` is the dedupe key. */
export interface WebhookEventDoc {
  _id: string;
  kind: 'message' | 'status' | 'event';
  item: unknown;
  receivedAt: Date;
}

export const webhookEventSchema = new Schema<WebhookEventDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    item: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'webhook_events', versionKey: false, minimize: false },
);
webhookEventSchema.index({ receivedAt: 1 });

/**
 * A stored item not processed yet (`_id`: the item's), written with it and deleted once it is
 * processed: the sweep reads these, as many as are in flight, never the whole history of events
 * (which FerretDB would read in full for any filter on it).
 */
export interface WebhookPendingDoc {
  _id: string;
  receivedAt: Date;
  /**
   * Processing attempts begun, each counted before it runs, so that one which kills the process
   * counts too. The intake stores a new item with 1: its first attempt follows the 200 at once.
   */
  attempts: number;
  lastError: string | null;
  /**
   * When the item was parked as a dead letter (never processed again unless a platform admin
   * retries it). The mark stays meanwhile, so pruning keeps the stored item for that retry.
   */
  parkedAt?: Date | null;
}

export const webhookPendingSchema = new Schema<WebhookPendingDoc>(
  {
    _id: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    parkedAt: { type: Date, default: null },
  },
  { collection: 'webhook_pending', versionKey: false, minimize: false },
);
webhookPendingSchema.index({ receivedAt: 1 });

/**
 * Where the stored status of a send can be found by the `biz_opaque_callback_data` the send carried
 * (`_id`: callback data and status, `key`: the stored item's `_id`): a send whose answer was lost
 * is looked up by its own id, without reading every stored webhook.
 */
export interface WebhookCallbackDoc {
  _id: string;
  key: string;
  /**
   * When the item arrived, for pruning. Lookups stored before it was kept get the time of the
   * first prune that sees them, and go a retention period later.
   */
  receivedAt?: Date;
}

export const webhookCallbackSchema = new Schema<WebhookCallbackDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    receivedAt: { type: Date },
  },
  { collection: 'webhook_callbacks', versionKey: false },
);
webhookCallbackSchema.index({ receivedAt: 1 });

/** The statuses a send's callback data is indexed under. */
export const CALLBACK_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

export function callbackIdOf(callback: string, status: string): string {
  return `${callback}|${status}`;
}

/**
 * The platform's list of parked webhook items (`_id`: `<tenantId>:<item key>`), written when an
 * item is parked, so that listing dead letters reads this short collection and never every
 * tenant's webhooks. The item itself stays in its tenant's database.
 */
export interface DeadLetterDoc {
  _id: string;
  tenantId: string;
  key: string;
  kind: 'message' | 'status' | 'event';
  reason: string;
  attempts: number;
  payloadBytes: number;
  firstSeenAt: Date;
  parkedAt: Date;
}

export const deadLetterSchema = new Schema<DeadLetterDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    key: { type: String, required: true },
    kind: { type: String, required: true },
    reason: { type: String, required: true },
    attempts: { type: Number, required: true },
    payloadBytes: { type: Number, required: true },
    firstSeenAt: { type: Date, required: true },
    parkedAt: { type: Date, required: true },
  },
  { collection: 'webhook_dead_letters', versionKey: false },
);

export function deadLetterIdOf(tenantId: string, key: string): string {
  return `${tenantId}:${key}`;
}

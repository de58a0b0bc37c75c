import { Schema } from 'mongoose';

/** A webhook item stored before Meta gets its 200; `_id` is the dedupe key. */
export interface WebhookEventDoc {
  _id: string;
  kind: 'message' | 'status' | 'event';
  item: unknown;
  receivedAt: Date;
  processedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export const webhookEventSchema = new Schema<WebhookEventDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    item: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
  },
  { collection: 'webhook_events', versionKey: false, minimize: false },
);
webhookEventSchema.index({ processedAt: 1, receivedAt: 1 });

/**
 * Where the stored status of a send can be found by the `biz_opaque_callback_data` the send carried
 * (`_id`: callback data and status, `key`: the stored item's `_id`): a send whose answer was lost
 * is looked up by its own id, without reading every stored webhook.
 */
export interface WebhookCallbackDoc {
  _id: string;
  key: string;
}

export const webhookCallbackSchema = new Schema<WebhookCallbackDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
  },
  { collection: 'webhook_callbacks', versionKey: false },
);

/** The statuses a send's callback data is indexed under. */
export const CALLBACK_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

export function callbackIdOf(callback: string, status: string): string {
  return `${callback}|${status}`;
}

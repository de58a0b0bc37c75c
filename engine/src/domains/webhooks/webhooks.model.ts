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

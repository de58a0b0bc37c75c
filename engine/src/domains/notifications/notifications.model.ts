import { Schema, type Types } from 'mongoose';
import type { NotificationView } from '@parley/common';

export interface NotificationDoc {
  _id: Types.ObjectId;
  /** `<key>:<userId>`: the unique insert that makes notifying idempotent per recipient. */
  dedupeKey: string;
  userId: string;
  kind: string;
  severity: NotificationView['severity'];
  title: string;
  body: string;
  link: string | null;
  at: Date;
  readAt: Date | null;
}

export const notificationSchema = new Schema<NotificationDoc>(
  {
    dedupeKey: { type: String, required: true },
    userId: { type: String, required: true },
    kind: { type: String, required: true },
    severity: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    link: { type: String, default: null },
    at: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false },
);
notificationSchema.index({ dedupeKey: 1 }, { unique: true });
notificationSchema.index({ userId: 1, at: -1 });

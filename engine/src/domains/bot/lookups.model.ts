import { Schema, type Types } from 'mongoose';
import type { LookupKind, Queue } from '@parley/common';

/** One row of a tenant's services, products or issues table (tenant database). */
export interface LookupDoc {
  _id: Types.ObjectId;
  kind: LookupKind;
  name: string;
  /**
   * The name as the matcher sees it (accents, case and punctuation folded). Unique per kind, so
   * "Wi-Fi setup" and "wifi Setup!" cannot both exist and make the bot's answer a coin toss.
   */
  nameKey: string;
  synonyms: string[];
  description: string;
  reply: string;
  price: number | null;
  queue: Queue | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const lookupSchema = new Schema<LookupDoc>(
  {
    kind: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    synonyms: { type: [String], default: [] },
    description: { type: String, default: '' },
    reply: { type: String, default: '' },
    price: { type: Number, default: null },
    queue: { type: String, default: null },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'lookups', versionKey: false },
);
// The duplicate-name rule is this index, not a read before the write: FerretDB 1.x updates are
// not atomic, a unique index is (DESIGN §4).
lookupSchema.index({ kind: 1, nameKey: 1 }, { unique: true });

import { Schema, Types } from 'mongoose';
import type { ConsentState } from '@parley/common';

export interface CustomerDoc {
  _id: Types.ObjectId;
  /**
   * `wa:<E.164 digits>` or, for username users without a number, `u:<user_id>`. Always set and
   * unique: FerretDB has no sparse or partial indexes, so a unique index on a nullable field
   * would fail. The `_id` is derived from it (`customerIdOf`); customers stored before that keep
   * a random `_id`, and those who wrote in then keep their raw wa_id here.
   */
  identityKey: string;
  waId: string | null;
  userId: string | null;
  /** E.164 with "+", normalised by libphonenumber-js. */
  phone: string | null;
  name: string | null;
  marketingConsent: ConsentState;
  consentUpdatedAt: Date | null;
  unreachable: boolean;
  /** Contact fields (DESIGN §8): one person, one record, whether they wrote in or were imported. */
  tags: string[];
  listIds: string[];
  /** Keys follow `attributeKeySchema` (no `.` or leading `$`), values are strings. */
  attributes: Record<string, string>;
  /** ISO 3166 alpha-2 of the phone number. */
  country: string | null;
  email: string | null;
  source: CustomerSource;
  createdAt: Date;
  lastSeenAt: Date;
  /**
   * The `_id`s of the customer's consent ledger entries, oldest first, so that their history is
   * read by `_id` (FerretDB reads the whole ledger for a filter on `customerId`). Complete for
   * customers with keyed ids; absent on older ones, whose history is searched for.
   */
  consentLedger?: string[];
}

export type CustomerSource = 'inbound' | 'import' | 'manual';

export const customerSchema = new Schema<CustomerDoc>(
  {
    identityKey: { type: String, required: true },
    waId: { type: String, default: null },
    userId: { type: String, default: null },
    phone: { type: String, default: null },
    name: { type: String, default: null },
    marketingConsent: { type: String, default: 'unknown' },
    consentUpdatedAt: { type: Date, default: null },
    unreachable: { type: Boolean, default: false },
    tags: { type: [String], default: [] },
    listIds: { type: [String], default: [] },
    attributes: { type: Schema.Types.Mixed, default: {} },
    country: { type: String, default: null },
    email: { type: String, default: null },
    source: { type: String, default: 'inbound' },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    consentLedger: { type: [String], default: undefined },
  },
  { collection: 'customers', versionKey: false, minimize: false },
);
customerSchema.index({ identityKey: 1 }, { unique: true });
customerSchema.index({ userId: 1 });
customerSchema.index({ phone: 1 });
customerSchema.index({ listIds: 1 });
customerSchema.index({ tags: 1 });
customerSchema.index({ marketingConsent: 1 });
customerSchema.index({ createdAt: -1 });

export type ConsentSource = 'stop_keyword' | 'start_keyword' | 'stop_button' | 'user_preferences' | 'import' | 'agent' | 'campaign_error';

/** Every consent change with its evidence: who or what changed it, when, and from which message. */
export interface ConsentEntryDoc {
  _id: Types.ObjectId;
  customerId: string;
  category: 'marketing';
  from: ConsentState;
  to: ConsentState;
  source: ConsentSource;
  evidence: Record<string, unknown>;
  at: Date;
}

export const consentEntrySchema = new Schema<ConsentEntryDoc>(
  {
    customerId: { type: String, required: true },
    category: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    source: { type: String, required: true },
    evidence: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
  },
  { collection: 'consent_ledger', versionKey: false, minimize: false },
);
consentEntrySchema.index({ customerId: 1, at: -1 });

/** Facts about a tenant's customers as a whole, one document each (`keyed-ids`: every `_id` is derived). */
export interface CustomerMarkDoc {
  _id: string;
  at: Date;
}

export const customerMarkSchema = new Schema<CustomerMarkDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { collection: 'customer_marks', versionKey: false });

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
   * The customer's consent ledger entries, oldest first, so that their history is read by `_id`
   * (FerretDB reads the whole ledger for a filter on `customerId`): an entry's `_id`, or
   * `<page _id>.<i>` for an entry of an import page. Complete for customers with keyed ids;
   * older ones' entries of their own are searched for.
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

/**
 * The consent changes one batch of an import made, up to a few thousand people's, in one
 * document: parallel lists, entry `i` of each list being one person's change. They share their
 * file, import and moment, and written as one document they cost the database one write instead
 * of one per person. A customer lists such an entry as `<page _id>.<i>` in `consentLedger`.
 */
export interface ConsentImportPageDoc {
  _id: Types.ObjectId;
  importId: string;
  fileName: string;
  at: Date;
  customerIds: string[];
  from: ConsentState[];
  to: ConsentState[];
  /** The file's line of the row whose statement was applied. */
  rows: number[];
  /** The consent cells exactly as the file had them, `column: value` joined by ` | `. */
  columns: string[];
  consentSources: (string | null)[];
  /** ISO time the file gave for the statement, if any. */
  consentedAt: (string | null)[];
}

export const consentImportPageSchema = new Schema<ConsentImportPageDoc>(
  {
    importId: { type: String, required: true },
    fileName: { type: String, required: true },
    at: { type: Date, required: true },
    customerIds: { type: [String], required: true },
    from: { type: [String], required: true },
    to: { type: [String], required: true },
    rows: { type: [Number], required: true },
    columns: { type: [String], required: true },
    consentSources: { type: [Schema.Types.Mixed], required: true },
    consentedAt: { type: [Schema.Types.Mixed], required: true },
  },
  { collection: 'consent_import_pages', versionKey: false, minimize: false },
);

/** How a customer lists entry `index` of an import page. */
export const importEntryRef = (pageId: Types.ObjectId | string, index: number): string => `${String(pageId)}.${index}`;

/** The page and index of an import entry reference, or null for a plain ledger entry's `_id`. */
export function parseImportEntryRef(ref: string): { pageId: string; index: number } | null {
  const dot = ref.indexOf('.');
  if (dot < 0) return null;
  const index = Number(ref.slice(dot + 1));
  return Number.isInteger(index) && index >= 0 ? { pageId: ref.slice(0, dot), index } : null;
}

/** Entry `index` of an import page, in the shape of a ledger entry. */
export function importPageEntry(page: ConsentImportPageDoc, index: number): ConsentEntry | null {
  const customerId = page.customerIds[index];
  const from = page.from[index];
  const to = page.to[index];
  if (customerId === undefined || from === undefined || to === undefined) return null;
  return {
    _id: importEntryRef(page._id, index),
    customerId,
    category: 'marketing',
    from,
    to,
    source: 'import',
    evidence: {
      importId: page.importId,
      fileName: page.fileName,
      row: page.rows[index] ?? null,
      columns: page.columns[index] ?? '',
      consentSource: page.consentSources[index] ?? null,
      consentedAt: page.consentedAt[index] ?? null,
    },
    at: page.at,
  };
}

/** A ledger entry as read: stored on its own, or one entry of an import page. */
export type ConsentEntry = Omit<ConsentEntryDoc, '_id'> & { _id: Types.ObjectId | string };

/** Facts about a tenant's customers as a whole, one document each (`keyed-ids`: every `_id` is derived). */
export interface CustomerMarkDoc {
  _id: string;
  at: Date;
}

export const customerMarkSchema = new Schema<CustomerMarkDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { collection: 'customer_marks', versionKey: false });

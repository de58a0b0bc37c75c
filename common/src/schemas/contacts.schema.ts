import { z } from 'zod';
import { idSchema } from './common.schema.js';
import { attributeKeySchema, CONSENT_STATES, segmentFilterSchema, type SegmentFilter } from './audience.schema.js';
import type { ConsentState } from './conversations.schema.js';

/** Contacts: the tenant's customers with lists, tags, attributes and marketing consent. */

export const tagSchema = z.string().trim().min(1, 'is required').max(64, 'at most 64 characters');
export const CONTACT_SOURCES = ['inbound', 'import', 'manual'] as const;

export interface ContactView {
  id: string;
  name: string | null;
  /** E.164 with "+"; null for username-only WhatsApp users. */
  phone: string | null;
  email: string | null;
  country: string | null;
  tags: string[];
  listIds: string[];
  attributes: Record<string, string>;
  marketingConsent: ConsentState;
  consentUpdatedAt: string | null;
  unreachable: boolean;
  source: (typeof CONTACT_SOURCES)[number];
  createdAt: string;
}

export interface ConsentEntryView {
  id: string;
  from: ConsentState;
  to: ConsentState;
  /** stop_keyword, start_keyword, stop_button, user_preferences, import, agent, campaign_error. */
  source: string;
  evidence: Record<string, unknown>;
  at: string;
}

export interface ContactDetail extends ContactView {
  consentHistory: ConsentEntryView[];
}

export const contactSearchQuerySchema = z
  .object({
    /** Name, phone or email, any part of it. */
    q: z.string().trim().max(100).optional(),
    listId: idSchema.optional(),
    tag: tagSchema.optional(),
    consent: z.enum(CONSENT_STATES).optional(),
    segmentId: idSchema.optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ContactSearchQuery = z.infer<typeof contactSearchQuerySchema>;

export interface ContactPage {
  items: ContactView[];
  total: number;
  page: number;
  limit: number;
}

export const contactPatchSchema = z
  .object({
    name: z.string().trim().max(120).nullable(),
    email: z.string().trim().toLowerCase().max(254).email('must be a valid email address').nullable(),
    tags: z.array(tagSchema).max(50),
    attributes: z.record(attributeKeySchema, z.string().max(500, 'at most 500 characters')),
  })
  .partial()
  .strict();
export type ContactPatch = z.infer<typeof contactPatchSchema>;

/** A person changes their mind by telling an agent: recorded with the agent's note as evidence. */
export const consentChangeBodySchema = z
  .object({
    to: z.enum(['granted', 'revoked']),
    note: z.string().trim().min(3, 'say how the customer asked (at least 3 characters)').max(500),
  })
  .strict();
export type ConsentChangeBody = z.infer<typeof consentChangeBodySchema>;

export const contactsBulkBodySchema = z
  .object({
    ids: z.array(idSchema).min(1, 'select at least one contact').max(1000),
    addTags: z.array(tagSchema).max(20).default([]),
    removeTags: z.array(tagSchema).max(20).default([]),
    addListIds: z.array(idSchema).max(20).default([]),
    removeListIds: z.array(idSchema).max(20).default([]),
  })
  .strict()
  .refine((b) => b.addTags.length + b.removeTags.length + b.addListIds.length + b.removeListIds.length > 0, { message: 'choose tags or lists to add or remove', path: ['addTags'] });
export type ContactsBulkBody = z.infer<typeof contactsBulkBodySchema>;

export const contactSettingsSchema = z
  .object({
    /** Country used to read national numbers (without +) in imports. */
    defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as BR'),
  })
  .strict();
export type ContactSettings = z.infer<typeof contactSettingsSchema>;

export const contactListBodySchema = z.object({ name: z.string().trim().min(1, 'is required').max(80) }).strict();
export interface ContactListView {
  id: string;
  name: string;
  memberCount: number;
  createdAt: string;
}

export const segmentBodySchema = z.object({ name: z.string().trim().min(1, 'is required').max(80), filter: segmentFilterSchema }).strict();
export const segmentPreviewBodySchema = z.object({ filter: segmentFilterSchema }).strict();
export interface SegmentView {
  id: string;
  name: string;
  filter: SegmentFilter;
  /** Live: how many contacts match now, and how many of them granted marketing consent. */
  count: { total: number; consenting: number };
  createdAt: string;
}

/** Imports: upload, map columns, run, report. */
export const IMPORT_STATUSES = ['uploaded', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportCounts {
  /** New people. */
  created: number;
  /** People who already existed (by phone), updated rather than created. */
  updated: number;
  /** Rows folded into an earlier row of the same file (the same person twice). */
  merged: number;
  rejected: number;
  /** Rows that said "granted" for someone who had opted out, without a later consent time. */
  consentKept: number;
}

export interface ImportRejection {
  /** Line of the file (the header is line 1). */
  row: number;
  value: string;
  reason: string;
}

export const importUploadQuerySchema = z.object({ fileName: z.string().trim().min(1).max(200).default('contacts.csv') }).strict();

const column = z.string().min(1).max(200);
export const importMappingSchema = z
  .object({
    phone: column,
    name: column.nullable().default(null),
    email: column.nullable().default(null),
    /** One cell of tags separated by , ; or |. */
    tags: column.nullable().default(null),
    consentStatus: column.nullable().default(null),
    consentSource: column.nullable().default(null),
    consentTime: column.nullable().default(null),
    attributes: z.array(z.object({ column, key: attributeKeySchema }).strict()).max(50).default([]),
  })
  .strict();
export type ImportMapping = z.infer<typeof importMappingSchema>;

export const importRunBodySchema = z
  .object({
    mapping: importMappingSchema,
    /** Every imported person joins this list; or a new list is made with `newListName`. */
    listId: idSchema.nullable().default(null),
    newListName: z.string().trim().min(1).max(80).nullable().default(null),
    addTags: z.array(tagSchema).max(20).default([]),
  })
  .strict();
export type ImportRunBody = z.infer<typeof importRunBodySchema>;
/** What a client sends: defaults may be left out. */
export type ImportRunInput = z.input<typeof importRunBodySchema>;

export interface ContactImportView {
  id: string;
  fileName: string;
  status: ImportStatus;
  headers: string[];
  /** The first rows as they are in the file, to map columns by example. */
  sample: string[][];
  /** Data rows (the header excluded). */
  rowCount: number;
  mapping: ImportMapping | null;
  listId: string | null;
  processed: number;
  counts: ImportCounts;
  /** Why a run failed (the rows written before it stay, and a new import of the file finishes them). */
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const importReportQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();
export interface ImportReport {
  import: ContactImportView;
  rejections: ImportRejection[];
}

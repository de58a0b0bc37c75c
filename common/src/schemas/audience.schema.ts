import { z } from 'zod';
import { idSchema } from './common.schema.js';

/**
 * Who a campaign reaches: the contract between contacts (which own lists, tags and segments) and
 * campaigns (which materialise recipients from it).
 */

/** Custom attribute keys become document keys: no `.` and no leading `$` (MongoDB and FerretDB). */
export const attributeKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _, starting with a letter (at most 40)');

export const CONSENT_STATES = ['granted', 'revoked', 'unknown'] as const;

export const segmentConditionSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('tag'), op: z.enum(['has', 'has_not']), value: z.string().trim().min(1).max(64) }).strict(),
  z.object({ field: z.literal('consent'), op: z.enum(['is', 'is_not']), value: z.enum(CONSENT_STATES) }).strict(),
  z.object({ field: z.literal('country'), op: z.enum(['is', 'is_not']), value: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as BR') }).strict(),
  z
    .object({
      field: z.literal('attribute'),
      key: attributeKeySchema,
      op: z.enum(['equals', 'not_equals', 'contains', 'exists', 'not_exists']),
      value: z.string().max(200).default(''),
    })
    .strict(),
]);
export type SegmentCondition = z.infer<typeof segmentConditionSchema>;

/** A filter on attributes, tags and consent; `all` ANDs the conditions, `any` ORs them. */
export const segmentFilterSchema = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(segmentConditionSchema).min(1, 'add at least one condition').max(20),
  })
  .strict();
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

/**
 * The audience of a campaign: members of the given lists and/or every customer with marketing
 * consent, narrowed by a saved segment. Consent is checked again for each recipient at dispatch.
 */
export const audienceSelectionSchema = z
  .object({
    listIds: z.array(idSchema).max(50).default([]),
    allConsenting: z.boolean().default(false),
    segmentId: idSchema.nullable().default(null),
  })
  .strict()
  .refine((a) => a.listIds.length > 0 || a.allConsenting, { message: 'choose at least one list, or everyone who consented', path: ['listIds'] });
export type AudienceSelection = z.infer<typeof audienceSelectionSchema>;

/** One person of an audience as contacts hand it to campaigns. */
export interface AudienceMember {
  customerId: string;
  /** E.164 with "+". */
  phone: string;
  waId: string | null;
  name: string | null;
  marketingConsent: (typeof CONSENT_STATES)[number];
  unreachable: boolean;
  /** ISO 3166 alpha-2 of the phone number (rate card, segments). */
  country: string | null;
  attributes: Record<string, string>;
  tags: string[];
}

import { z } from 'zod';
import { idSchema } from './common.schema.js';
import { attributeKeySchema, audienceSelectionSchema, type AudienceSelection } from './audience.schema.js';

/** DESIGN §5: draft → scheduled → running ⇄ paused → completed | cancelled | failed. */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** A campaign in one of these sends nothing more. */
export const FINISHED_CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['completed', 'cancelled', 'failed'];

/** Why a campaign is paused: by a person, or by itself with a reason it explains. */
export const PAUSE_REASONS = ['manual', 'quality', 'template', 'error_rate', 'budget', 'tier', 'suspended'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/**
 * Stable reasons a recipient was skipped (shown in plain words by the UI). `missing_value`: a
 * template variable had no value for them (the contact lacks it and the mapping has no fallback).
 */
export const SKIP_REASONS = ['no_consent', 'opted_out', 'invalid_phone', 'duplicate', 'unreachable', 'budget', 'tier_limit', 'cancelled', 'missing_value'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Where a template variable's value comes from, with a fallback when the contact lacks it. */
export const variableSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('name') }).strict(),
  z.object({ kind: z.literal('first_name') }).strict(),
  z.object({ kind: z.literal('phone') }).strict(),
  z.object({ kind: z.literal('attribute'), key: attributeKeySchema }).strict(),
  z.object({ kind: z.literal('text'), value: z.string().min(1).max(1024) }).strict(),
  /** A file uploaded to Parley for this (purpose `campaign_header`): only a media header takes it. */
  z.object({ kind: z.literal('media'), mediaId: idSchema }).strict(),
]);
export type VariableSource = z.infer<typeof variableSourceSchema>;

export const variableMappingSchema = z
  .object({
    /**
     * The template value it fills, by `TemplateVariable.key`: the body's "1".."n" or name, then
     * `header:<token>`, `header:media` (a media header's link or uploaded file) and `button:<index>`.
     */
    parameter: z.string().min(1).max(40),
    source: variableSourceSchema,
    fallback: z.string().max(1024).default(''),
  })
  .strict();
export type VariableMapping = z.infer<typeof variableMappingSchema>;

const LINK = /^https?:\/\/\S+$/i;

/**
 * What is wrong with the mapping of a media header (`header:media`), or null: a file uploaded to
 * Parley, or a link WhatsApp fetches the file from for every message (fixed text holding the link,
 * or a contact attribute holding one, with a link or nothing as its fallback). The builder and the
 * launch check say it in the same words; the launch also checks that the upload fits the header.
 */
export function mediaLinkIssue(mapping: VariableMapping): string | null {
  const source = mapping.source;
  const fallback = mapping.fallback.trim();
  if (source.kind === 'media') return null;
  if (source.kind === 'text') return LINK.test(source.value.trim()) ? null : 'needs a link to the file, starting with https://';
  if (source.kind === 'attribute') return !fallback || LINK.test(fallback) ? null : 'needs a link as its fallback too, starting with https://';
  return 'needs a file: upload one, or give a link to it (fixed text, or a contact attribute holding one)';
}

const campaignFields = {
  name: z.string().trim().min(1, 'is required').max(120),
  /** The synced template's id (must be APPROVED at launch). */
  templateId: z.string().min(1).max(64),
  variables: z.array(variableMappingSchema).max(20).default([]),
  audience: audienceSelectionSchema,
  /** ISO time; null sends as soon as it is launched. Must be in the future. */
  scheduleAt: z.string().datetime({ offset: true }).nullable().default(null),
  /** Messages per second, at most the number's own throughput (80 by default, up to 1,000). */
  throughputCap: z.number().int().min(1).max(1000).default(80),
  /** Stop (pause with reason `budget`) before the estimated spend passes this amount; null: no cap. */
  budgetCap: z.number().positive().max(10_000_000).nullable().default(null),
};

export const createCampaignBodySchema = z.object(campaignFields).strict();
export type CreateCampaignBody = z.infer<typeof createCampaignBodySchema>;

/** Only drafts can be edited; a launched campaign (scheduled, running or paused) takes a `budgetCap` alone. */
export const updateCampaignBodySchema = z
  .object({
    ...campaignFields,
    // A field left out keeps its value: no defaults here.
    variables: campaignFields.variables.unwrap(),
    scheduleAt: campaignFields.scheduleAt.unwrap(),
    throughputCap: campaignFields.throughputCap.unwrap(),
    budgetCap: campaignFields.budgetCap.unwrap(),
  })
  .partial()
  .strict();
export type UpdateCampaignBody = z.infer<typeof updateCampaignBodySchema>;

export const testSendBodySchema = z.object({ phone: z.string().min(5).max(32) }).strict();

export const recipientListQuerySchema = z
  .object({
    status: z.enum(RECIPIENT_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Opaque cursor from the previous page. */
    after: z.string().max(200).optional(),
  })
  .strict();

export interface CampaignCounters {
  /** Recipients materialised (queued at start, whatever became of them). */
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  /** Opted out of marketing after receiving this campaign. */
  optedOut: number;
}

export interface CostEstimate {
  currency: string;
  recipients: number;
  total: number;
  byCountry: { country: string; recipients: number; rate: number; cost: number }[];
}

export interface CampaignView {
  id: string;
  name: string;
  status: CampaignStatus;
  pause: { reason: PauseReason; message: string; at: string } | null;
  /** Why a campaign failed, in words. */
  failure: string | null;
  template: { id: string; name: string; language: string; category: string } | null;
  variables: VariableMapping[];
  audience: AudienceSelection;
  scheduleAt: string | null;
  timeZone: string;
  throughputCap: number;
  budgetCap: number | null;
  /** What the budget cap has reserved so far (messages sent or being sent), in the estimate's currency; 0 while there is no cap. */
  spent: number;
  estimate: CostEstimate | null;
  counters: CampaignCounters;
  /** Sends per second over the last minute, and seconds left at that pace (null when unknown). */
  rate: { perSecond: number; etaSeconds: number | null };
  createdBy: { id: string; name: string | null };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RecipientView {
  id: string;
  customerId: string | null;
  phone: string;
  name: string | null;
  status: RecipientStatus;
  /** Skip reason (SkipReason) or the failure's plain words. */
  reason: string | null;
  errorCode: number | null;
  wamid: string | null;
  timeline: { status: RecipientStatus | 'replied' | 'opted_out'; at: string; detail: string | null }[];
  repliedAt: string | null;
  optedOutAt: string | null;
}

/** One point of the send-rate chart: messages accepted by WhatsApp in that second. */
export interface RatePoint {
  at: string;
  sent: number;
}

/**
 * What the builder needs to know of the tenant that a marketer may not read elsewhere: the zone
 * campaigns are scheduled in, and the number's throughput, the ceiling of `throughputCap`.
 */
export const campaignContextSchema = z
  .object({
    timeZone: z.string().min(1),
    /** The connected number's messages per second (80, or 1,000 once WhatsApp raised it); null without one. */
    throughput: z.number().int().positive().nullable(),
    phoneNumber: z.string().nullable(),
  })
  .strict();
export type CampaignContext = z.infer<typeof campaignContextSchema>;

export const campaignIdParamsSchema = z.object({ id: idSchema }).strict();

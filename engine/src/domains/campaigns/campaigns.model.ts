import { Schema, Types, type Model } from 'mongoose';
import type { AudienceSelection, CampaignStatus, CostEstimate, PauseReason, RecipientStatus, VariableMapping } from '@parley/common';
import type { Database } from '../../platform/db/database.js';

/** A campaign's definition, and a mirror of its actor's state (the actor's log is the truth). */
export interface CampaignDoc {
  _id: Types.ObjectId;
  name: string;
  templateId: string;
  template: { id: string; name: string; language: string; category: string } | null;
  variables: VariableMapping[];
  audience: AudienceSelection;
  scheduleAt: Date | null;
  timeZone: string;
  throughputCap: number;
  budgetCap: number | null;
  /** What it spent, kept when it finished; while it runs the spend is counted in Redis (`spentOf`). */
  spent?: number | null;
  estimate: CostEstimate | null;
  phoneNumberId: string | null;
  status: CampaignStatus;
  pause: { reason: PauseReason; message: string; at: Date } | null;
  failure: string | null;
  createdBy: { id: string; name: string | null };
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Set once every audience member is a recipient: dispatch starts after it. */
  materialisedAt: Date | null;
}

export const campaignSchema = new Schema<CampaignDoc>(
  {
    name: { type: String, required: true },
    templateId: { type: String, required: true },
    template: { type: Schema.Types.Mixed, default: null },
    variables: { type: Schema.Types.Mixed, default: [] },
    audience: { type: Schema.Types.Mixed, required: true },
    scheduleAt: { type: Date, default: null },
    timeZone: { type: String, default: 'UTC' },
    throughputCap: { type: Number, required: true },
    budgetCap: { type: Number, default: null },
    spent: { type: Number, default: null },
    estimate: { type: Schema.Types.Mixed, default: null },
    phoneNumberId: { type: String, default: null },
    status: { type: String, required: true },
    pause: { type: Schema.Types.Mixed, default: null },
    failure: { type: String, default: null },
    createdBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    materialisedAt: { type: Date, default: null },
  },
  { collection: 'campaigns', versionKey: false, minimize: false },
);
campaignSchema.index({ status: 1 });

export interface TimelineEntry {
  status: RecipientStatus | 'replied' | 'opted_out';
  at: Date;
  detail: string | null;
}

/**
 * One person of a campaign. `_id` is `<campaignId>:<phone digits>`: the unique (campaign, phone)
 * pair, so materialising twice (a crash, a second process) cannot add anyone twice.
 */
export interface RecipientDoc {
  _id: string;
  campaignId: string;
  customerId: string | null;
  phone: string;
  waId: string | null;
  name: string | null;
  country: string | null;
  /**
   * Every value of the template's send by `TemplateVariable.key` (body, header, buttons), rendered
   * when the audience was materialised. Null for recipients materialised before header and
   * button values existed: those hold body values only, in parameter order, in `values`.
   */
  params?: Record<string, string> | null;
  values: string[];
  status: RecipientStatus;
  /** sent 1 < delivered 2 < read 3: statuses only move forward. */
  statusRank: number;
  reason: string | null;
  errorCode: number | null;
  /** Attempt number of the current claim; a retry is a new claim under attempt + 1. */
  attempt: number;
  /** Not to be dispatched before this time (retries with a growing delay). */
  notBefore: Date;
  claimedAt: Date | null;
  wamid: string | null;
  sentAt: Date | null;
  repliedAt: Date | null;
  optedOutAt: Date | null;
  timeline: TimelineEntry[];
}

export const recipientSchema = new Schema<RecipientDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    customerId: { type: String, default: null },
    phone: { type: String, required: true },
    waId: { type: String, default: null },
    name: { type: String, default: null },
    country: { type: String, default: null },
    values: { type: [String], default: [] },
    params: { type: Schema.Types.Mixed, default: null },
    status: { type: String, required: true },
    statusRank: { type: Number, default: 0 },
    reason: { type: String, default: null },
    errorCode: { type: Number, default: null },
    attempt: { type: Number, default: 0 },
    notBefore: { type: Date, required: true },
    claimedAt: { type: Date, default: null },
    wamid: { type: String, default: null },
    sentAt: { type: Date, default: null },
    repliedAt: { type: Date, default: null },
    optedOutAt: { type: Date, default: null },
    timeline: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'campaign_recipients', versionKey: false, minimize: false },
);
recipientSchema.index({ campaignId: 1, status: 1, notBefore: 1 });
recipientSchema.index({ customerId: 1, sentAt: -1 });

/**
 * A send claimed before the Graph call. `_id` is the claim id that travels in
 * `biz_opaque_callback_data` (`cmp:<recipientId>:<attempt>`): whoever inserts it sends; a second
 * process running the same batch loses with 11000 and sends nothing.
 */
export interface ClaimDoc {
  _id: string;
  campaignId: string;
  recipientId: string;
  attempt: number;
  claimedAt: Date;
}

export const claimSchema = new Schema<ClaimDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    recipientId: { type: String, required: true },
    attempt: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'campaign_claims', versionKey: false },
);

export const CLAIM_PREFIX = 'cmp:';

export function claimIdOf(recipientId: string, attempt: number): string {
  return `${CLAIM_PREFIX}${recipientId}:${attempt}`;
}

export function parseClaimId(claimId: string): { campaignId: string; recipientId: string; attempt: number } | null {
  const match = /^cmp:(([a-f0-9]{24}):[^:]+):(\d+)$/.exec(claimId);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { recipientId: match[1], campaignId: match[2], attempt: Number(match[3]) };
}

export const ACTIVE_STATUSES: RecipientStatus[] = ['queued', 'sending'];
export const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 3 };

/** The recipient status a delivery rank stands for (0: not confirmed yet). */
export const RANKED_STATUSES = ['sending', 'sent', 'delivered', 'read'] as const satisfies readonly RecipientStatus[];

/**
 * The order a campaign sends in: the ids of its queued recipients, a page per materialised batch
 * (`_id`: campaign and page number, from 0 with no gap). Dispatch reads the next page by its `_id`
 * instead of searching the recipients for who is queued.
 */
export interface QueuePageDoc {
  _id: string;
  campaignId: string;
  page: number;
  ids: string[];
}

export const queuePageSchema = new Schema<QueuePageDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    page: { type: Number, required: true },
    ids: { type: [String], default: [] },
  },
  { collection: 'campaign_queue_pages', versionKey: false },
);

export function queuePageIdOf(campaignId: string, page: number): string {
  return `${campaignId}:${page}`;
}

/** The campaign domain's collections in a tenant's database (used by its repositories alone). */
export class CampaignModels {
  readonly campaigns: (tenantId: string) => Model<CampaignDoc>;
  readonly recipients: (tenantId: string) => Model<RecipientDoc>;
  readonly claims: (tenantId: string) => Model<ClaimDoc>;
  readonly queuePages: (tenantId: string) => Model<QueuePageDoc>;

  constructor(db: Database) {
    this.campaigns = db.defineTenantModel('Campaign', campaignSchema);
    this.recipients = db.defineTenantModel('CampaignRecipient', recipientSchema);
    this.claims = db.defineTenantModel('CampaignClaim', claimSchema);
    this.queuePages = db.defineTenantModel('CampaignQueuePage', queuePageSchema);
  }
}

import type { AnyBulkWriteOperation } from 'mongoose';
import type { AudienceMember, SkipReason, TemplateSummary, VariableMapping } from '@parley/common';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { CampaignDoc, RecipientDoc } from './campaigns.model.js';
import type { CampaignModels } from './campaigns.ports.js';

const INSERT_BATCH = 1000;

/** A member's value for one template parameter, or the mapping's fallback when it has none. */
export function valueFor(mapping: VariableMapping | undefined, member: Pick<AudienceMember, 'name' | 'phone' | 'attributes'>): string {
  if (!mapping) return '';
  const source = mapping.source;
  const raw =
    source.kind === 'name' ? member.name
    : source.kind === 'first_name' ? (member.name?.trim().split(/\s+/)[0] ?? null)
    : source.kind === 'phone' ? member.phone
    : source.kind === 'attribute' ? (member.attributes[source.key] ?? null)
    : source.value;
  return raw?.trim() ? raw.trim() : mapping.fallback;
}

export function valuesFor(template: TemplateSummary, variables: VariableMapping[], member: Pick<AudienceMember, 'name' | 'phone' | 'attributes'>): string[] {
  return template.parameters.map((parameter) => valueFor(variables.find((v) => v.parameter === parameter), member));
}

/** Why a member is not sent to, decided when the audience is materialised. */
export function skipReasonOf(member: AudienceMember, marketing: boolean): SkipReason | null {
  if (!/^\+\d{6,15}$/.test(member.phone)) return 'invalid_phone';
  if (member.unreachable) return 'unreachable';
  if (marketing && member.marketingConsent === 'revoked') return 'opted_out';
  if (marketing && member.marketingConsent !== 'granted') return 'no_consent';
  return null;
}

/**
 * Turns the audience into recipients, in batches of unordered inserts. Each recipient's `_id` is
 * the (campaign, phone) pair, so running it again after a crash, or in a second process, adds
 * nobody twice; a second person with a number already taken is kept as skipped (`duplicate`).
 */
export async function materialise(
  models: CampaignModels,
  tenantId: string,
  campaign: CampaignDoc,
  template: TemplateSummary,
  audience: AsyncIterable<AudienceMember>,
): Promise<number> {
  const campaignId = String(campaign._id);
  const marketing = template.category === 'MARKETING';
  const seen = new Set<string>();
  const now = new Date();
  let batch: RecipientDoc[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await insertIgnoringDuplicates(models, tenantId, batch);
    count += batch.length;
    batch = [];
  };
  for await (const member of audience) {
    const digits = member.phone.replace(/\D/g, '');
    const duplicate = digits !== '' && seen.has(digits);
    seen.add(digits);
    const reason: SkipReason | null = duplicate ? 'duplicate' : skipReasonOf(member, marketing);
    const key = digits === '' ? `invalid-${member.customerId}` : duplicate ? `${digits}-dup-${member.customerId}` : digits;
    batch.push({
      _id: `${campaignId}:${key}`,
      campaignId,
      customerId: member.customerId,
      phone: member.phone,
      waId: member.waId,
      name: member.name,
      country: member.country,
      values: reason ? [] : valuesFor(template, campaign.variables, member),
      status: reason ? 'skipped' : 'queued',
      statusRank: 0,
      reason,
      errorCode: null,
      attempt: 0,
      notBefore: now,
      claimedAt: null,
      wamid: null,
      sentAt: null,
      repliedAt: null,
      optedOutAt: null,
      timeline: [{ status: reason ? 'skipped' : 'queued', at: now, detail: reason }],
    });
    if (batch.length >= INSERT_BATCH) await flush();
  }
  await flush();
  await models.campaigns(tenantId).updateOne({ _id: campaign._id }, { $set: { materialisedAt: new Date() } });
  return count;
}

async function insertIgnoringDuplicates(models: CampaignModels, tenantId: string, docs: RecipientDoc[]): Promise<void> {
  try {
    await models.recipients(tenantId).insertMany(docs, { ordered: false, lean: true });
  } catch (error) {
    // Recipients already there from an interrupted run: they keep whatever happened to them since.
    const failed = writeErrorsOf(error);
    if (failed ? failed.every(isDuplicateKeyError) : isDuplicateKeyError(error)) return;
    throw error;
  }
}

/** The per-document errors of an unordered insertMany/bulkWrite, or null for another error. */
export function writeErrorsOf(error: unknown): unknown[] | null {
  if (typeof error === 'object' && error !== null && 'writeErrors' in error && Array.isArray(error.writeErrors)) return error.writeErrors;
  return null;
}

/** The position in the batch of a write error (`index`, or `err.index` in older drivers). */
export function indexOfWriteError(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  if ('index' in error && typeof error.index === 'number') return error.index;
  if ('err' in error) return indexOfWriteError(error.err);
  return null;
}

export type RecipientWrite = AnyBulkWriteOperation<RecipientDoc>;

import type { AudienceMember, SkipReason, TemplateView } from '@parley/common';
import { paramsFor } from './campaign-template.js';
import type { CampaignDoc, RecipientDoc } from './campaigns.model.js';
import type { CampaignStore } from './campaigns.repository.js';

const INSERT_BATCH = 1000;

/** Why a member is not sent to, decided when the audience is materialised. */
export function skipReasonOf(member: AudienceMember, marketing: boolean): SkipReason | null {
  if (!/^\+\d{6,15}$/.test(member.phone)) return 'invalid_phone';
  if (member.unreachable) return 'unreachable';
  if (marketing && member.marketingConsent === 'revoked') return 'opted_out';
  if (marketing && member.marketingConsent !== 'granted') return 'no_consent';
  return null;
}

/**
 * Turns the audience into recipients, in batches of unordered inserts, and writes the send
 * queue's page of each batch (see QueuePageDoc). Each recipient's `_id` is the (campaign, phone)
 * pair, so running it again after a crash, or in a second process, adds nobody twice; a second person with a number already taken is kept as skipped (`duplicate`).
 */
export async function materialise(
  store: Pick<CampaignStore, 'campaigns' | 'queue'>,
  tenantId: string,
  campaign: CampaignDoc,
  template: TemplateView,
  audience: AsyncIterable<AudienceMember>,
): Promise<number> {
  const campaignId = String(campaign._id);
  const marketing = template.category === 'MARKETING';
  const seen = new Set<string>();
  const now = new Date();
  let batch: RecipientDoc[] = [];
  let count = 0;
  let page = 0;
  // One batch is written while the next is read and built; a failed write surfaces at the next flush.
  let writing: Promise<void> = Promise.resolve();
  const write = (docs: RecipientDoc[], n: number) => store.queue.addBatch(tenantId, campaignId, n, docs);
  const flush = async () => {
    await writing;
    if (batch.length === 0) return;
    writing = write(batch, page);
    writing.catch(() => undefined);
    page++;
    count += batch.length;
    batch = [];
  };
  for await (const member of audience) {
    const digits = member.phone.replace(/\D/g, '');
    const duplicate = digits !== '' && seen.has(digits);
    seen.add(digits);
    const skip: SkipReason | null = duplicate ? 'duplicate' : skipReasonOf(member, marketing);
    const { params, missing } = paramsFor(template, campaign.variables, member);
    const reason: SkipReason | null = skip ?? (missing.length > 0 ? 'missing_value' : null);
    const key = digits === '' ? `invalid-${member.customerId}` : duplicate ? `${digits}-dup-${member.customerId}` : digits;
    batch.push({
      _id: `${campaignId}:${key}`,
      campaignId,
      customerId: member.customerId,
      phone: member.phone,
      waId: member.waId,
      name: member.name,
      country: member.country,
      params: reason ? null : params,
      values: [],
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
  await writing;
  await store.campaigns.markMaterialised(tenantId, campaign._id);
  return count;
}

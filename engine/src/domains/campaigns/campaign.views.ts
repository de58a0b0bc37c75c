import type { Redis } from 'ioredis';
import type { CampaignCounters, CampaignView, RatePoint, RecipientView } from '@parley/common';
import type { CampaignDoc, RecipientDoc } from './campaigns.model.js';
import type { RecipientsRepository } from './recipients.repository.js';

const RATE_KEEP_SECONDS = 600;

export function emptyCounters(): CampaignCounters {
  return { total: 0, queued: 0, sent: 0, delivered: 0, read: 0, replied: 0, failed: 0, skipped: 0, optedOut: 0 };
}

/**
 * Counters are derived from the recipient documents themselves, so they always equal what the
 * recipients' statuses say: no counter to drift. One read of the campaigns' recipients (filtered
 * counts would read them once each on FerretDB, which filters outside its storage).
 */
export async function countersOfMany(recipients: RecipientsRepository, tenantId: string, campaignIds: string[]): Promise<Map<string, CampaignCounters>> {
  const tallies = new Map(campaignIds.map((id) => [id, { by: new Map<string, number>(), total: 0, replied: 0, optedOut: 0 }]));
  if (campaignIds.length === 0) return new Map();
  for await (const recipient of recipients.tallyRows(tenantId, campaignIds)) {
    const tally = tallies.get(recipient.campaignId);
    if (!tally) continue;
    tally.total++;
    tally.by.set(recipient.status, (tally.by.get(recipient.status) ?? 0) + 1);
    if (recipient.repliedAt) tally.replied++;
    if (recipient.optedOutAt) tally.optedOut++;
  }
  return new Map(
    [...tallies].map(([id, { by, total, replied, optedOut }]) => {
      const n = (status: string) => by.get(status) ?? 0;
      const read = n('read');
      const delivered = n('delivered') + read;
      return [id, { total, queued: n('queued') + n('sending'), sent: n('sent') + delivered, delivered, read, replied, failed: n('failed'), skipped: n('skipped'), optedOut }];
    }),
  );
}

export async function countersOf(recipients: RecipientsRepository, tenantId: string, campaignId: string): Promise<CampaignCounters> {
  return (await countersOfMany(recipients, tenantId, [campaignId])).get(campaignId) ?? emptyCounters();
}

/** Sends accepted per second, kept in Redis for ten minutes (one hash field per second). */
export class RateSeries {
  constructor(private readonly redis: Redis) {}

  async record(campaignId: string, count: number): Promise<void> {
    if (count === 0) return;
    const second = Math.floor(Date.now() / 1000);
    await this.redis.multi().hincrby(`cmprate:${campaignId}`, String(second), count).expire(`cmprate:${campaignId}`, RATE_KEEP_SECONDS).exec();
  }

  async points(campaignId: string, sinceSeconds = RATE_KEEP_SECONDS): Promise<RatePoint[]> {
    const all = await this.redis.hgetall(`cmprate:${campaignId}`);
    const from = Math.floor(Date.now() / 1000) - sinceSeconds;
    return Object.entries(all)
      .map(([second, sent]) => ({ second: Number(second), sent: Number(sent) }))
      .filter((p) => p.second >= from)
      .sort((a, b) => a.second - b.second)
      .map((p) => ({ at: new Date(p.second * 1000).toISOString(), sent: p.sent }));
  }

  /** Pace over the last minute, and what is left at that pace. */
  async pace(campaignId: string, left: number): Promise<CampaignView['rate']> {
    const points = await this.points(campaignId, 60);
    const perSecond = Math.round((points.reduce((sum, p) => sum + p.sent, 0) / 60) * 10) / 10;
    return { perSecond, etaSeconds: perSecond > 0 ? Math.ceil(left / perSecond) : null };
  }
}

export function toCampaignView(doc: CampaignDoc, counters: CampaignCounters, rate: CampaignView['rate'], spent = 0): CampaignView {
  return {
    id: String(doc._id),
    name: doc.name,
    status: doc.status,
    pause: doc.pause ? { reason: doc.pause.reason, message: doc.pause.message, at: new Date(doc.pause.at).toISOString() } : null,
    failure: doc.failure,
    template: doc.template,
    variables: doc.variables,
    audience: doc.audience,
    scheduleAt: doc.scheduleAt?.toISOString() ?? null,
    timeZone: doc.timeZone,
    throughputCap: doc.throughputCap,
    budgetCap: doc.budgetCap,
    spent,
    estimate: doc.estimate,
    counters,
    rate,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt.toISOString(),
    startedAt: doc.startedAt?.toISOString() ?? null,
    finishedAt: doc.finishedAt?.toISOString() ?? null,
  };
}

export function toRecipientView(doc: RecipientDoc): RecipientView {
  return {
    id: doc._id,
    customerId: doc.customerId,
    phone: doc.phone,
    name: doc.name,
    status: doc.status,
    reason: doc.reason,
    errorCode: doc.errorCode,
    wamid: doc.wamid,
    timeline: doc.timeline.map((t) => ({ status: t.status, at: new Date(t.at).toISOString(), detail: t.detail })),
    repliedAt: doc.repliedAt?.toISOString() ?? null,
    optedOutAt: doc.optedOutAt?.toISOString() ?? null,
  };
}

import type { PauseReason } from '@parley/common';
import type { Platform } from '../../platform/domain.js';
import type { CampaignLifecycle } from './campaign.lifecycle.js';
import { claimIdOf, type RecipientDoc } from './campaigns.model.js';
import type { CampaignSettings, CustomersPort, TemplatesPort } from './campaigns.ports.js';
import type { RecipientsRepository } from './recipients.repository.js';
import type { Verdict } from './outcomes.js';

/** The last outcomes of a campaign; a person who resumes it starts a fresh window. */
export const errorWindowKey = (campaignId: string): string => `cmperr:${campaignId}`;

/** Adds outcomes (ARGV[2..]) to the window of ARGV[1] entries; returns its length and its failures. */
const RECORD_OUTCOMES = `
redis.call('LPUSH', KEYS[1], unpack(ARGV, 2))
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
redis.call('EXPIRE', KEYS[1], 86400)
local window = redis.call('LRANGE', KEYS[1], 0, -1)
local failures = 0
for _, outcome in ipairs(window) do
  if outcome == '1' then failures = failures + 1 end
end
return { #window, failures }
`;

export interface Settlement {
  recipient: RecipientDoc;
  verdict: Verdict;
}

/** How many attempts `KnownRanks` remembers; the oldest are forgotten first. */
const KNOWN_RANKS = 200_000;

/**
 * The delivery rank this process knows each recent attempt (claim id) has reached at least. A
 * status webhook at or below it changes nothing, so it is dropped without reading the recipient:
 * the `sent` status of every message this process settled as sent, and every repeated status.
 * Ranks only move forward within an attempt, and a later attempt has a claim id of its own.
 */
export class KnownRanks {
  private readonly ranks = new Map<string, number>();

  atLeast(claimId: string, rank: number): boolean {
    return (this.ranks.get(claimId) ?? 0) >= rank;
  }

  note(claimId: string, rank: number): void {
    if ((this.ranks.get(claimId) ?? 0) >= rank) return;
    this.ranks.delete(claimId);
    this.ranks.set(claimId, rank);
    if (this.ranks.size > KNOWN_RANKS) {
      const oldest = this.ranks.keys().next();
      if (!oldest.done) this.ranks.delete(oldest.value);
    }
  }
}

/**
 * Writes what became of a set of attempts, in one bulk write, and does what the codes ask:
 * 131050 revokes marketing consent, 131026 marks the customer unreachable, template codes resync
 * templates and pause the campaign, and too many failures pause it too.
 */
export interface SettlerDeps {
  platform: Pick<Platform, 'redis' | 'logger'>;
  settings: CampaignSettings;
  recipients: RecipientsRepository;
  lifecycle: CampaignLifecycle;
  customers: Pick<CustomersPort, 'setMarketingConsent' | 'markUnreachable'>;
  templates: Pick<TemplatesPort, 'sync'>;
}

export class Settler {
  readonly known = new KnownRanks();
  private readonly lifecycle: CampaignLifecycle;

  constructor(private readonly deps: SettlerDeps) {
    this.lifecycle = deps.lifecycle;
  }

  async apply(tenantId: string, campaignId: string, settlements: Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const now = new Date();
    // Only the attempt this is about, and never back from what a status webhook already said.
    await this.deps.recipients.recordVerdicts(tenantId, settlements, now);
    // Sent, or past `queued`/`sending` already (a status came first), or given up: either way a
    // `sent` status of the attempt has nothing left to do.
    for (const { recipient, verdict } of settlements) if (verdict.kind === 'sent') this.known.note(claimIdOf(recipient._id, recipient.attempt), 1);
    // A cancel that came while this batch was under way: what the batch put back is skipped too.
    if (settlements.some((s) => s.verdict.kind === 'retry' || s.verdict.kind === 'template') && (await this.lifecycle.status(campaignId)) === 'cancelled') {
      await this.deps.recipients.skipQueuedAsCancelled(tenantId, campaignId, now);
    }
    await this.consequences(tenantId, campaignId, settlements);
    const sent = settlements.filter((s) => s.verdict.kind === 'sent');
    await this.lifecycle.rates.record(campaignId, sent.length);
    await this.rememberRecent(tenantId, sent.map((s) => s.recipient));
    await this.recordOutcomes(tenantId, campaignId, settlements.flatMap((s) => (s.verdict.kind === 'failed' ? [1] : [])));
    this.lifecycle.touch(tenantId, campaignId);
  }

  /**
   * Remembers who just got a campaign message, so that a reply within the window is attributed
   * (the last send to a number) and an opt-out counts against every campaign that sent to the
   * customer within it.
   */
  async rememberRecent(tenantId: string, recipients: RecipientDoc[]): Promise<void> {
    const ttl = Math.max(1, Math.round(this.deps.settings.replyWindowMs / 1000));
    if (recipients.length === 0) return;
    const pipeline = this.deps.platform.redis.pipeline();
    for (const r of recipients) {
      pipeline.set(`cmprecent:${tenantId}:${r.phone.replace(/\D/g, '')}`, r._id, 'EX', ttl);
      if (r.waId) pipeline.set(`cmprecent:${tenantId}:${r.waId}`, r._id, 'EX', ttl);
      if (r.customerId) pipeline.sadd(recentKey(tenantId, r.customerId), r._id).expire(recentKey(tenantId, r.customerId), ttl);
    }
    await pipeline.exec();
  }

  /** The recipients a customer was sent campaign messages as, within about the reply window. */
  async recentOf(tenantId: string, customerId: string): Promise<string[]> {
    return this.deps.platform.redis.smembers(recentKey(tenantId, customerId));
  }

  /**
   * Keeps the last N known fates (1 failed, 0 delivered) in Redis, shared by every process, and
   * pauses the campaign when more than the configured share failed (only once N are known). A
   * message counts once, when its fate is known: `sent` is not one, since most failures arrive
   * as a `failed` status after it.
   */
  async recordOutcomes(tenantId: string, campaignId: string, outcomes: number[]): Promise<void> {
    if (outcomes.length === 0) return;
    const { errorWindow, errorRate } = this.deps.settings;
    // Counted in Redis: the window comes back as two numbers, not as its every entry for every
    // delivered message.
    const [known, failures] = (await this.deps.platform.redis.eval(RECORD_OUTCOMES, 1, errorWindowKey(campaignId), errorWindow, ...outcomes)) as [number, number];
    if (known < errorWindow) return;
    if (failures / known > errorRate) {
      await this.lifecycle.autoPause(tenantId, campaignId, 'error_rate', `${failures} of the last ${known} messages failed, more than the ${Math.round(errorRate * 100)}% allowed. Check why in the failed recipients before resuming.`);
    }
  }

  private async consequences(tenantId: string, campaignId: string, settlements: Settlement[]): Promise<void> {
    let pause: { reason: PauseReason; message: string } | null = null;
    for (const { recipient, verdict } of settlements) {
      if (verdict.kind === 'template') pause = { reason: 'template', message: verdict.detail };
      if (verdict.kind !== 'failed' || !recipient.customerId) continue;
      if (verdict.code === 131050) {
        await this.deps.customers.setMarketingConsent(tenantId, recipient.customerId, 'revoked', 'campaign_error', { campaignId, recipientId: recipient._id, code: 131050 });
      } else if (verdict.code === 131026) {
        await this.deps.customers.markUnreachable(tenantId, recipient.customerId);
      }
    }
    if (pause) {
      this.deps.templates.sync(tenantId).catch((error: unknown) => this.deps.platform.logger.error({ err: error, tenantId }, 'template resync failed'));
      await this.lifecycle.autoPause(tenantId, campaignId, pause.reason, pause.message);
    }
  }
}

/** Recipients of one customer within about the reply window (each send renews the whole set). */
function recentKey(tenantId: string, customerId: string): string {
  return `cmprecentc:${tenantId}:${customerId}`;
}

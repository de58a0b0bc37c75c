import type { Redis } from 'ioredis';
import type { PauseReason, SkipReason, TemplateSummary } from '@parley/common';
import type { OpenChannel } from '../channels/index.js';
import type { CampaignLifecycle } from './campaign.lifecycle.js';
import type { CampaignDoc, RecipientDoc } from './campaigns.model.js';
import type { CustomersPort, MediaPort } from './campaigns.ports.js';
import { rateOf, type RateCard } from './rate-card.js';
import type { RecipientsRepository } from './recipients.repository.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { SendableMedia } from '../media/index.js';
import { headerMediaOf, withHeaderMedia } from './campaign-template.js';
import type { SpendLedger } from './spend-ledger.js';

const TIER_LIMITS: Record<string, number> = { TIER_50: 50, TIER_250: 250, TIER_1K: 1000, TIER_2K: 2000, TIER_10K: 10_000, TIER_100K: 100_000 };
const DAY_MS = 24 * 3600_000;

/**
 * Reserves each user in the moving 24 h of unique users the number's tier allows. A user already
 * reached in the window costs nothing more. Returns 1 (reached) or 0 (over the limit) per user.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
local limit = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    out[#out + 1] = 1
  elseif redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return out
`;

/** What is checked again for each recipient right before sending: consent, budget, tier. */
export interface GateDeps {
  redis: Redis;
  rateCard: RateCard;
  recipients: RecipientsRepository;
  lifecycle: CampaignLifecycle;
  spend: SpendLedger;
  customers: Pick<CustomersPort, 'reachability'>;
  media: Pick<MediaPort, 'sendable'>;
}

export class DispatchGate {
  constructor(private readonly deps: GateDeps) {}

  async admit(tenantId: string, campaign: CampaignDoc, template: TemplateSummary, channel: OpenChannel & { messagingTier: string }, due: RecipientDoc[]): Promise<{ sendable: RecipientDoc[]; pause: { reason: PauseReason; message: string } | null }> {
    const headed = await this.withHeaderFile(tenantId, campaign, channel, due);
    if (headed.pause) return { sendable: [], pause: headed.pause };
    const consenting = await this.checkConsent(tenantId, String(campaign._id), template, headed.sendable);
    const affordable = await this.withinBudget(campaign, template, consenting);
    const reached = await this.withinTier(channel, affordable.sendable);
    const pause = affordable.pause ?? reached.pause;
    return { sendable: reached.sendable, pause };
  }

  /**
   * A header file is sent by its WhatsApp media id, which WhatsApp forgets after 30 days: each
   * batch asks for the id as it is now (the file goes up again when it is near that age), and the
   * recipients carry it for this send only; their stored values keep naming Parley's file.
   */
  private async withHeaderFile(tenantId: string, campaign: CampaignDoc, channel: OpenChannel, due: RecipientDoc[]): Promise<{ sendable: RecipientDoc[]; pause: { reason: PauseReason; message: string } | null }> {
    const mediaId = headerMediaOf(campaign.variables);
    if (!mediaId || due.length === 0) return { sendable: due, pause: null };
    let media: SendableMedia;
    try {
      media = await this.deps.media.sendable(tenantId, mediaId, channel);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return { sendable: [], pause: { reason: 'template', message: 'The header file of this campaign is gone: it cannot be sent.' } };
      if (error instanceof AppError && error.code === 'MEDIA_INCOMPLETE') return { sendable: [], pause: { reason: 'template', message: `${error.message} Then choose it for this campaign and resume.` } };
      // Refused (it carries WhatsApp's code): a person must look. Unreachable: the batch runs again.
      if (!(error instanceof AppError && error.code === 'BAD_GATEWAY' && error.details?.graphCode !== undefined)) throw error;
      return { sendable: [], pause: { reason: 'template', message: `${error.message} Resume to try again.` } };
    }
    return { sendable: due.map((recipient) => (recipient.params ? { ...recipient, params: withHeaderMedia(recipient.params, media) } : recipient)), pause: null };
  }

  /** Marketing consent is checked at dispatch, not only when the audience was built (DESIGN §8). */
  private async checkConsent(tenantId: string, campaignId: string, template: TemplateSummary, due: RecipientDoc[]): Promise<RecipientDoc[]> {
    const ids = due.flatMap((r) => (r.customerId ? [r.customerId] : []));
    const customers = await this.deps.customers.reachability(tenantId, ids);
    const byId = new Map(customers.map((c) => [String(c._id), c]));
    const skips: { recipient: RecipientDoc; reason: SkipReason }[] = [];
    const sendable: RecipientDoc[] = [];
    for (const recipient of due) {
      const customer = recipient.customerId ? byId.get(recipient.customerId) : undefined;
      const reason: SkipReason | null =
        customer?.unreachable ? 'unreachable'
        : template.category !== 'MARKETING' ? null
        : customer?.marketingConsent === 'revoked' ? 'opted_out'
        : customer?.marketingConsent !== 'granted' ? 'no_consent'
        : null;
      if (reason) skips.push({ recipient, reason });
      else sendable.push(recipient);
    }
    if (skips.length > 0) {
      await this.deps.recipients.skipQueued(tenantId, skips, new Date());
      this.deps.lifecycle.touch(tenantId, campaignId);
    }
    return sendable;
  }

  /**
   * Spend is reserved in Redis, atomically for every process, as recipients are admitted; the
   * campaign stops before passing its cap. Amounts are whole millionths, so that a cap of N times
   * a rate covers exactly N messages. A campaign without a cap counts its spend all the same: it
   * is shown, and a cap set later starts from it.
   */
  private async withinBudget(campaign: CampaignDoc, template: TemplateSummary, due: RecipientDoc[]): Promise<{ sendable: RecipientDoc[]; pause: { reason: PauseReason; message: string } | null }> {
    if (due.length === 0) return { sendable: due, pause: null };
    const costs = due.map((r) => ({ recipientId: r._id, amount: rateOf(this.deps.rateCard, r.country, template.category) }));
    const { admitted, spent } = await this.deps.spend.reserve(String(campaign._id), campaign.budgetCap, costs);
    const sendable = due.filter((_, i) => admitted[i]);
    if (sendable.length === due.length) return { sendable, pause: null };
    const { currency } = this.deps.rateCard;
    const message = `The budget of ${campaign.budgetCap} ${currency} is used up (${spent} ${currency} spent on the messages sent so far). Raise the budget to send to the people still waiting.`;
    return { sendable, pause: { reason: 'budget', message } };
  }

  /** Recipients over the tier's daily unique users stay queued; the campaign pauses (`tier`). */
  private async withinTier(channel: OpenChannel & { messagingTier: string }, due: RecipientDoc[]): Promise<{ sendable: RecipientDoc[]; pause: { reason: PauseReason; message: string } | null }> {
    const limit = TIER_LIMITS[channel.messagingTier];
    if (limit === undefined || due.length === 0) return { sendable: due, pause: null };
    const flags = await this.deps.redis.eval(RESERVE, 1, `tier:${channel.wabaId}`, DAY_MS, limit, ...due.map((r) => r.phone));
    const allowed = Array.isArray(flags) ? flags.map(Number) : [];
    const sendable = due.filter((_, i) => allowed[i] === 1);
    const message = `WhatsApp lets this number start conversations with ${limit} people a day, and that many were reached in the last 24 hours. The people still waiting stay queued: resume once the day has moved on or WhatsApp raises the number's limit.`;
    const pause = sendable.length < due.length ? { reason: 'tier' as const, message } : null;
    return { sendable, pause };
  }
}

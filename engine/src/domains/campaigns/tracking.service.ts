import { FINISHED_CAMPAIGN_STATUSES } from '@parley/common';
import { describeInbound, type StatusUpdate, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import { toE164, type ConsentChange } from '../customers/index.js';
import type { TemplateStatusChange } from '../templates/index.js';
import type { Platform } from '../../platform/domain.js';
import type { CampaignLifecycle } from './campaign.lifecycle.js';
import { parseClaimId, STATUS_RANK } from './campaigns.model.js';
import type { CampaignSettings, ChannelsPort } from './campaigns.ports.js';
import type { CampaignStore } from './campaigns.repository.js';
import { verdictForCode } from './outcomes.js';
import type { Settlement, Settler } from './settler.js';

type MessageItem = Extract<WebhookItem, { kind: 'message' }>;
type EventItem = Extract<WebhookItem, { kind: 'event' }>;

const RANKED = ['', 'sent', 'delivered', 'read'] as const;
/** `phone_number_quality_update` signals that pause campaigns, in a marketer's words. */
const QUALITY_DROPS = new Map<string, string>([
  ['FLAGGED', 'WhatsApp flagged the number for low quality'],
  ['DOWNGRADE', `WhatsApp lowered the number's messaging limit because of its quality`],
  ['YELLOW', `The number's quality rating dropped to medium`],
  ['RED', `The number's quality rating dropped to low`],
]);

/**
 * What happens after a send: delivery statuses (forward only, as for conversations), replies
 * and opt-outs attributed to the campaign, and the webhooks that pause campaigns.
 */
export interface TrackingDeps {
  platform: Pick<Platform, 'redis' | 'logger'>;
  settings: CampaignSettings;
  store: Pick<CampaignStore, 'campaigns' | 'recipients'>;
  lifecycle: CampaignLifecycle;
  settler: Settler;
  channels: Pick<ChannelsPort, 'phoneNumberIdOf'>;
}

export class TrackingService {
  private readonly store: TrackingDeps['store'];
  private readonly lifecycle: CampaignLifecycle;
  private readonly settler: Settler;

  constructor(private readonly deps: TrackingDeps) {
    this.store = deps.store;
    this.lifecycle = deps.lifecycle;
    this.settler = deps.settler;
  }

  /**
   * A status of a campaign send, found by the claim id it carries. It also settles a send whose
   * Graph answer was lost: the status proves that attempt was accepted.
   */
  async applyStatus(tenantId: string, status: StatusUpdate): Promise<void> {
    const claimId = status.biz_opaque_callback_data ?? '';
    const claim = parseClaimId(claimId);
    if (!claim) return;
    const rank = STATUS_RANK[status.status];
    if (rank !== undefined && this.settler.known.atLeast(claimId, rank)) return;
    // Read, checked and written in one turn with the settler's writes of this recipient (see
    // `RecipientsRepository.inTurn`); a failure's settlement runs after the turn, as it takes one of its own.
    const failure = await this.store.recipients.inTurn(tenantId, claim.recipientId, () => this.applyStatusInTurn(tenantId, { ...claim, id: claimId }, status));
    if (failure) await this.settler.apply(tenantId, claim.campaignId, [failure]);
  }

  /** Applies a delivery status; returns the settlement a failure calls for. */
  private async applyStatusInTurn(tenantId: string, claim: { id: string; recipientId: string; campaignId: string; attempt: number }, status: StatusUpdate): Promise<Settlement | null> {
    const recipient = await this.store.recipients.findById(tenantId, claim.recipientId);
    if (!recipient) return null;
    if (recipient.attempt !== claim.attempt) {
      if (status.status !== 'failed') this.deps.platform.logger.warn({ tenantId, claim: claim.id }, 'status of an attempt that was already given up');
      return null;
    }
    this.settler.known.note(claim.id, recipient.statusRank);
    const unsettled = recipient.status === 'queued' || recipient.status === 'sending';
    if (status.status === 'failed') {
      if (recipient.statusRank >= 2 || recipient.status === 'failed' || recipient.status === 'skipped') return null;
      const error = status.errors?.[0];
      let verdict = verdictForCode(error?.code ?? 0, error?.message ?? error?.title ?? 'Failed', recipient.attempt, this.deps.settings);
      if (verdict.kind === 'retry' || verdict.kind === 'template') {
        // A finished campaign sends nothing more: what would have been retried is a failure.
        const campaignStatus = await this.store.campaigns.statusOf(tenantId, claim.campaignId);
        if (campaignStatus && FINISHED_CAMPAIGN_STATUSES.includes(campaignStatus)) verdict = { kind: 'failed', code: error?.code ?? 0, reason: verdict.detail };
      }
      // Failed after `sent`: the recipient is back to an open state for the settler's guard.
      if (!unsettled) await this.store.recipients.reopen(tenantId, recipient);
      return { recipient: { ...recipient, status: 'sending' }, verdict };
    }
    const rank = STATUS_RANK[status.status];
    if (rank === undefined || rank <= recipient.statusRank || recipient.status === 'skipped') return null;
    const at = status.timestamp ? new Date(Number(status.timestamp) * 1000) : new Date();
    const name = RANKED[rank] || 'sent';
    // The guard (this attempt, a lower rank) was just checked on the document read above.
    await this.store.recipients.recordDelivery(tenantId, recipient, { rank, wamid: status.id, entry: { status: name, at, detail: unsettled ? 'confirmed by its status webhook' : null } });
    this.settler.known.note(claim.id, rank);
    if (unsettled) {
      await this.lifecycle.rates.record(claim.campaignId, 1);
      await this.settler.rememberRecent(tenantId, [recipient]);
    }
    if (recipient.statusRank < 2 && rank >= 2) await this.settler.recordOutcomes(tenantId, claim.campaignId, [0]);
    this.lifecycle.touch(tenantId, claim.campaignId);
    return null;
  }

  /** An inbound message from someone who got a campaign message within the window is a reply. */
  async applyInbound(tenantId: string, item: MessageItem): Promise<void> {
    const waId = item.contact.waId;
    if (!waId) return;
    // A wa_id can differ from the number dialled (Brazil's ninth digit): try the E.164 form too.
    const digits = toE164(waId)?.replace(/\D/g, '') ?? waId;
    const recipientId = (await this.deps.platform.redis.get(`cmprecent:${tenantId}:${waId}`)) ?? (await this.deps.platform.redis.get(`cmprecent:${tenantId}:${digits}`));
    if (!recipientId) return;
    const recipient = await this.store.recipients.findById(tenantId, recipientId);
    if (!recipient?.sentAt || recipient.repliedAt) return;
    const at = item.message.timestamp ? new Date(Number(item.message.timestamp) * 1000) : new Date();
    if (at.getTime() - recipient.sentAt.getTime() > this.deps.settings.replyWindowMs) return;
    const { buttonText } = describeInbound(item.message);
    const detail = buttonText ? `tapped "${buttonText}"` : String(item.message.type);
    await this.store.recipients.recordReply(tenantId, recipientId, at, detail);
    this.lifecycle.touch(tenantId, recipient.campaignId);
  }

  /** An opt-out after a campaign message (within the reply window) counts against that campaign. */
  async applyConsent(tenantId: string, change: ConsentChange): Promise<void> {
    if (change.to !== 'revoked') return;
    const since = new Date(change.at.getTime() - this.deps.settings.replyWindowMs);
    const recent = await this.store.recipients.findMany(tenantId, await this.settler.recentOf(tenantId, change.customerId));
    for (const recipient of recent) {
      if (!recipient.sentAt || recipient.sentAt < since || recipient.optedOutAt) continue;
      await this.store.recipients.recordOptOut(tenantId, recipient._id, change.at, change.source);
      this.lifecycle.touch(tenantId, recipient.campaignId);
    }
  }

  /**
   * A template that can no longer be sent (paused, disabled, deleted, back in review after an
   * edit) pauses the running campaigns that send it, found by the template's own id. Told by the
   * templates domain once it has applied the webhook; pausing twice is harmless.
   */
  async applyTemplateStatus(tenantId: string, change: TemplateStatusChange): Promise<void> {
    if (change.status === 'APPROVED') return;
    const running = await this.store.campaigns.runningIds(tenantId, { templateId: change.templateId });
    const why = change.reason ? ` (${change.reason})` : '';
    const message =
      change.status === 'PAUSED' || change.status === 'DISABLED' ? `WhatsApp ${change.status.toLowerCase()} the template${why}.`
      : change.status === 'DELETED' ? 'The template was deleted at WhatsApp.'
      : `The template is ${change.status.toLowerCase().replace('_', ' ')} at WhatsApp${why}; only approved templates can be sent.`;
    for (const campaignId of running) await this.lifecycle.autoPause(tenantId, campaignId, 'template', message);
  }

  /** The number's quality dropped: its running campaigns pause. */
  async applyEvent(tenantId: string, item: EventItem): Promise<void> {
    const value = item.value;
    if (item.field === 'phone_number_quality_update') {
      const signal = [value.event, value.new_quality_score, value.quality_rating].find((v): v is string => typeof v === 'string' && QUALITY_DROPS.has(v));
      if (!signal) return;
      const phoneNumberId = item.phoneNumberId ?? (await this.deps.channels.phoneNumberIdOf(tenantId, item.wabaId, value.display_phone_number));
      if (!phoneNumberId) return;
      const running = await this.store.campaigns.runningIds(tenantId, { phoneNumberId });
      for (const campaignId of running) {
        await this.lifecycle.autoPause(tenantId, campaignId, 'quality', `${QUALITY_DROPS.get(signal) ?? signal}. Sending more now could get the number restricted: check its quality rating in WhatsApp Manager before resuming.`);
      }
    }
  }
}

import type { TemplateView } from '@parley/common';
import type { Platform } from '../../platform/domain.js';
import type { TokenBuckets } from '../../platform/redis/token-bucket.js';
import type { OpenChannel } from '../channels/index.js';
import type { CampaignLifecycle } from './campaign.lifecycle.js';
import { findTemplate, templateMessage } from './campaign-template.js';
import { claimIdOf, type CampaignDoc, type RecipientDoc } from './campaigns.model.js';
import type { ChannelsPort, ContactsPort, CampaignSettings, TemplatesPort, TenantsPort, WebhooksPort } from './campaigns.ports.js';
import type { CampaignStore } from './campaigns.repository.js';
import { materialise } from './materialise.js';
import { ClaimWriter } from './claim-writer.js';
import { verdictOf } from './outcomes.js';
import type { DispatchGate } from './dispatch-gate.js';
import type { Settler, Settlement } from './settler.js';

const SEND_CONCURRENCY = 32;
/** A batch holds at least this many seconds of sending at the campaign's pace: every batch reads the queue once, which FerretDB does by reading every recipient. */
const BATCH_SECONDS = 5;
const MAX_BATCH = 5000;
/** Batches of one campaign sending (and settling) at once in a process, while the next is prepared. */
const IN_FLIGHT = 2;
const SUSPENDED = 'The workspace was suspended; resume the campaign once it is active again.';

/** A batch whose sends and settlement run while the next batch is prepared. */
interface InFlight {
  ids: string[];
  done: Promise<void>;
}

export interface DispatcherDeps {
  platform: Pick<Platform, 'logger' | 'graph'>;
  settings: CampaignSettings;
  buckets: TokenBuckets;
  store: Pick<CampaignStore, 'campaigns' | 'recipients' | 'queue'>;
  lifecycle: CampaignLifecycle;
  gate: DispatchGate;
  settler: Settler;
  tenants: Pick<TenantsPort, 'isActive'>;
  templates: Pick<TemplatesPort, 'get'>;
  contacts: ContactsPort;
  channels: Pick<ChannelsPort, 'openAll' | 'list'>;
  webhooks: Pick<WebhooksPort, 'applyStoredStatuses'>;
}

/**
 * Runs dispatch batches. Any number of processes may run the same batch at once (Agenda's lock
 * is not a guarantee on FerretDB): each send is claimed by a unique insert before its Graph call,
 * and only the process whose insert succeeded sends it.
 */
export class Dispatcher {
  private readonly store: DispatcherDeps['store'];
  private readonly lifecycle: CampaignLifecycle;
  private readonly settler: Settler;
  private stopped = false;
  /** Per campaign, the batches of this process now sending or settling, oldest first. */
  private readonly inFlight = new Map<string, InFlight[]>();
  /** When this process last looked for unconfirmed sends past their grace, per campaign. */
  private readonly lookedForUnconfirmed = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {
    this.store = deps.store;
    this.lifecycle = deps.lifecycle;
    this.settler = deps.settler;
  }

  /** Claimed sends not yet made when the process stops are settled like a crash's: by webhook or grace. */
  stop(): void {
    this.stopped = true;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Prepares one batch (the queue read, the dispatch gate) and starts claiming and sending it, at
   * most IN_FLIGHT batches of a campaign at once: the next batch is prepared while earlier ones
   * send, so the pace never waits for the database between batches. Returns when to run again,
   * or null when there is nothing more to do now; `drain` waits for the batches under way.
   */
  async runBatch(tenantId: string, campaignId: string): Promise<Date | null> {
    if (this.stopped) return null;
    const campaign = await this.store.campaigns.find(tenantId, campaignId);
    if (!campaign || campaign.status !== 'running') return null;
    // Paused, not skipped: a reactivated tenant decides itself when its campaign goes on.
    if (!(await this.deps.tenants.isActive(tenantId))) {
      await this.lifecycle.autoPause(tenantId, campaignId, 'suspended', SUSPENDED);
      return null;
    }
    const template = await findTemplate(this.deps.templates, tenantId, campaign.templateId);
    if (!template || template.status !== 'APPROVED') {
      await this.lifecycle.autoPause(tenantId, campaignId, 'template', template ? `The template is ${template.status.toLowerCase()} at WhatsApp.` : 'The template no longer exists at WhatsApp.');
      return null;
    }
    if (!campaign.materialisedAt) await materialise(this.store, tenantId, campaign, template, this.deps.contacts.streamAudience(tenantId, campaign.audience));
    const channel = await this.channelOf(tenantId, campaign);
    if (!channel) {
      await this.lifecycle.send(tenantId, campaignId, { type: 'FAIL', message: 'The WhatsApp number of this campaign was disconnected.', at: Date.now() }, 'fail:channel');
      return null;
    }
    // Unconfirmed sends wait for the queue's pages to be handed out: looking for them means
    // searching the recipients, which FerretDB does by reading them all.
    if (await this.store.queue.exhausted(campaignId)) await this.requeueUnconfirmed(tenantId, campaignId);
    const pace = Math.min(campaign.throughputCap, channel.throughput);
    const size = Math.min(MAX_BATCH, Math.max(this.deps.settings.batchSize, Math.ceil(pace * BATCH_SECONDS)));
    const busy = (this.inFlight.get(campaignId) ?? []).flatMap((batch) => batch.ids);
    const due = await this.store.queue.takeDue(tenantId, campaignId, size, busy);
    if (due.length === 0) {
      // What the batches under way settle decides what comes next.
      if (busy.length > 0) return this.drain(campaignId).then(() => new Date());
      return this.whenNext(tenantId, campaignId);
    }
    const { sendable, pause } = await this.deps.gate.admit(tenantId, campaign, template, channel, due);
    while ((this.inFlight.get(campaignId)?.length ?? 0) >= IN_FLIGHT) await this.inFlight.get(campaignId)?.[0]?.done;
    const chunk = Math.max(2 * SEND_CONCURRENCY, Math.ceil(pace / 4));
    this.start(tenantId, campaignId, sendable, async () => {
      // Each send is claimed right before it goes out, and a quarter second of sending is settled
      // at a time, while the next quarter second sends: a crash leaves few sends whose fate only
      // their status webhook can tell, and the pace never waits for the database. A pause leaves
      // the rest unclaimed.
      let settling: Promise<void> = Promise.resolve();
      for (let at = 0; at < sendable.length && !this.stopped; at += chunk) {
        if (at > 0 && (await this.lifecycle.halted(campaignId))) break;
        const { settlements, taken } = await this.sendAll(tenantId, channel, campaign, template, sendable.slice(at, at + chunk));
        await settling;
        settling = this.settle(tenantId, campaignId, settlements, taken);
        // Awaited at the next chunk or after the last; until then its failure is not unhandled.
        settling.catch(() => undefined);
      }
      await settling;
      if (pause) await this.lifecycle.autoPause(tenantId, campaignId, pause.reason, pause.message);
      else if (!(await this.deps.tenants.isActive(tenantId))) await this.lifecycle.autoPause(tenantId, campaignId, 'suspended', SUSPENDED);
    });
    return pause ? null : new Date();
  }

  private async settle(tenantId: string, campaignId: string, settlements: Settlement[], taken: RecipientDoc[]): Promise<void> {
    await this.settler.apply(tenantId, campaignId, settlements);
    await this.markTaken(tenantId, taken);
  }

  /** Waits for this process's batches of the campaign under way. */
  async drain(campaignId: string): Promise<void> {
    const batches = this.inFlight.get(campaignId) ?? [];
    await Promise.all(batches.map((batch) => batch.done));
  }

  /**
   * A batch that fails (a busy database) is logged and left as a crash would leave it: what it
   * claimed but did not settle waits for its status webhook or the grace period.
   */
  private start(tenantId: string, campaignId: string, recipients: RecipientDoc[], work: () => Promise<void>): void {
    const batches = this.inFlight.get(campaignId) ?? [];
    this.inFlight.set(campaignId, batches);
    const batch: InFlight = { ids: recipients.map((r) => r._id), done: Promise.resolve() };
    batch.done = work()
      .catch((error: unknown) => this.deps.platform.logger.error({ err: error, tenantId, campaignId }, 'dispatch batch failed; its claims settle by webhook or grace'))
      .finally(() => {
        const left = (this.inFlight.get(campaignId) ?? []).filter((b) => b !== batch);
        if (left.length > 0) this.inFlight.set(campaignId, left);
        else this.inFlight.delete(campaignId);
      });
    batches.push(batch);
  }

  /**
   * Sends claimed but never confirmed (the process died between claim and answer, or the answer
   * was lost) wait for their status webhook, which names the claim in biz_opaque_callback_data.
   * Only when none came within the grace period are they taken as never accepted and queued
   * again under a new attempt id. Their statuses stored but not yet processed are applied first.
   * The search reads many recipients, so it runs at most every half grace period (30 s at most).
   */
  private async requeueUnconfirmed(tenantId: string, campaignId: string): Promise<void> {
    if (Date.now() < this.unconfirmedCheckAt(campaignId)) return;
    this.lookedForUnconfirmed.set(campaignId, Date.now());
    const cutoff = new Date(Date.now() - this.deps.settings.ambiguousGraceMs);
    const expired = await this.store.recipients.unconfirmedSince(tenantId, campaignId, cutoff);
    if (expired.length === 0) return;
    // Their statuses stored but not yet processed (a restart's backlog) are applied first: a send
    // taken for unconfirmed while its status waits there would go out twice.
    await this.deps.webhooks.applyStoredStatuses(tenantId, expired.map((r) => claimIdOf(r._id, r.attempt)));
    await this.keepConfirmed(tenantId, expired.map((r) => r._id));
    const current = await this.store.recipients.findMany(tenantId, expired.map((r) => r._id));
    const still = current.filter((r) => r.status === 'sending' && r.statusRank === 0);
    const detail = 'WhatsApp never confirmed the previous attempt; it is sent again under a new attempt.';
    await this.settler.apply(tenantId, campaignId, still.map((recipient) => ({ recipient, verdict: { kind: 'retry', code: 0, delayMs: 0, detail } })));
  }

  private unconfirmedCheckAt(campaignId: string): number {
    const last = this.lookedForUnconfirmed.get(campaignId);
    return last === undefined ? 0 : last + Math.min(30_000, this.deps.settings.ambiguousGraceMs / 2);
  }

  private async channelOf(tenantId: string, campaign: CampaignDoc): Promise<(OpenChannel & { messagingTier: string }) | null> {
    const open = (await this.deps.channels.openAll(tenantId)).find((c) => c.phoneNumberId === campaign.phoneNumberId);
    if (!open) return null;
    const view = (await this.deps.channels.list(tenantId)).find((c) => c.phoneNumberId === campaign.phoneNumberId);
    return { ...open, messagingTier: view?.messagingTier ?? 'TIER_250' };
  }

  /**
   * When to look again: at the next retry due, when the oldest unconfirmed send's grace ends, or
   * once the sends just made can no longer fail by webhook (131049 asks for a retry); with none of
   * those left, the campaign is complete. One read of the recipients still open finds all three.
   */
  private async whenNext(tenantId: string, campaignId: string): Promise<Date | null> {
    const settling = new Date(Date.now() - this.deps.settings.settleMs);
    const open = this.store.recipients.open(tenantId, campaignId, settling);
    let next = Infinity;
    for await (const recipient of open) {
      const at =
        recipient.status === 'queued' ? recipient.notBefore.getTime()
        : recipient.status === 'sending' ? Math.max((recipient.claimedAt?.getTime() ?? Date.now()) + this.deps.settings.ambiguousGraceMs, this.unconfirmedCheckAt(campaignId))
        : (recipient.sentAt?.getTime() ?? Date.now()) + this.deps.settings.settleMs;
      next = Math.min(next, at);
    }
    if (next === Infinity) {
      await this.lifecycle.send(tenantId, campaignId, { type: 'COMPLETE', at: Date.now() }, 'complete');
      return null;
    }
    return new Date(Math.max(Date.now(), next));
  }

  /**
   * Recipients whose claim another process holds: it is sending them now, or it died. Either way
   * they wait for their status webhook or the grace period, as unconfirmed sends.
   */
  private async markTaken(tenantId: string, taken: RecipientDoc[]): Promise<void> {
    if (taken.length === 0) return;
    const claimedAt = new Date();
    await this.store.recipients.markTaken(tenantId, taken, claimedAt);
    await this.keepConfirmed(tenantId, taken.map((r) => r._id));
  }

  /**
   * The winner's send may have been confirmed by a status webhook before the mark above landed:
   * such a recipient is settled, and gets back the status its confirmed rank stands for instead
   * of waiting as unconfirmed (see `RecipientsRepository.restoreConfirmed` for how it is written).
   */
  private async keepConfirmed(tenantId: string, ids: string[]): Promise<void> {
    await this.store.recipients.restoreConfirmed(tenantId, ids);
  }

  /**
   * Claims and sends each recipient: the claim (a unique insert) comes right before the token and
   * the Graph call, so only the process whose insert succeeded sends, and a crash leaves at most
   * the sends under way claimed but unsent.
   */
  private async sendAll(tenantId: string, channel: OpenChannel, campaign: CampaignDoc, template: TemplateView, recipients: RecipientDoc[]): Promise<{ settlements: Settlement[]; taken: RecipientDoc[] }> {
    const settlements: Settlement[] = [];
    const taken: RecipientDoc[] = [];
    const campaignId = String(campaign._id);
    const claims = new ClaimWriter((docs) => this.store.queue.insertClaims(tenantId, docs), campaignId);
    const buckets = [
      { key: `pn:${channel.phoneNumberId}`, perSecond: channel.throughput },
      { key: `cmp:${campaignId}`, perSecond: Math.min(campaign.throughputCap, channel.throughput) },
    ];
    let next = 0;
    // Paused or cancelled while the batch runs: what is not claimed yet stays queued as it is.
    let halted = false;
    // Claimed but certainly never sent: back to the queue under a new attempt, no grace to wait.
    const unsent = (recipient: RecipientDoc, detail: string) => settlements.push({ recipient, verdict: { kind: 'retry', code: 0, delayMs: 0, detail } });
    const worker = async () => {
      for (let i = next++; i < recipients.length && !this.stopped && !halted; i = next++) {
        const recipient = recipients[i];
        if (!recipient) continue;
        const claim = await claims.claim(recipient);
        if (claim === 'taken') taken.push(recipient);
        // A claim whose insert failed may exist or not: it is not sent now, and is settled like a
        // crash's (a later run finds it claimed and waits for the grace period) or sent later.
        if (claim !== 'ours') continue;
        const tokened = await this.deps.buckets.take(buckets, () => this.stopped || halted);
        if (!tokened || this.stopped) {
          unsent(recipient, 'The campaign stopped before this message went out; it goes out if the campaign resumes.');
          continue;
        }
        if ((await this.lifecycle.halted(campaignId)) || !(await this.deps.tenants.isActive(tenantId))) {
          halted = true;
          unsent(recipient, 'The campaign stopped before this message went out; it goes out if the campaign resumes.');
          continue;
        }
        const outcome = await this.deps.platform.graph.sendMessage(channel, templateMessage(template, recipient));
        if (!outcome.ok && outcome.kind === 'rejected' && outcome.code === 130429) await this.deps.buckets.slowDown(`pn:${channel.phoneNumberId}`, channel.throughput, 15_000);
        settlements.push({ recipient, verdict: verdictOf(outcome, recipient.attempt, this.deps.settings) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, recipients.length) }, worker));
    return { settlements, taken };
  }
}

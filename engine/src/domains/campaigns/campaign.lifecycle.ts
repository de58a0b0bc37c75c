import { randomUUID } from 'node:crypto';
import { FINISHED_CAMPAIGN_STATUSES, ROOMS, type CampaignView, type PauseReason } from '@parley/common';
import { ActorHost } from '../../platform/actors/actor-host.js';
import { campaignMachine, CAMPAIGN_MACHINE_VERSION, type CampaignEffect, type CampaignEvent } from './campaign.machine.js';
import { countersOf, RateSeries, toCampaignView } from './campaign.views.js';
import type { SpendLedger } from './spend-ledger.js';
import type { Platform } from '../../platform/domain.js';
import type { CampaignStore } from './campaigns.repository.js';
import type { NotificationsPort } from './campaigns.ports.js';

export const DISPATCH_JOB = 'campaign-dispatch';

/** What the lifecycle uses: the actor host's database, Redis, the scheduler, readers and notices. */
export interface LifecycleDeps {
  platform: Pick<Platform, 'db' | 'redis' | 'logger' | 'jobs' | 'realtime'>;
  store: Pick<CampaignStore, 'campaigns' | 'recipients'>;
  spend: SpendLedger;
  notifications: NotificationsPort;
}

const statusKey = (campaignId: string): string => `cmpstatus:${campaignId}`;

const NOTICES: Partial<Record<CampaignView['status'], { title: string; severity: 'info' | 'warning' | 'error' }>> = {
  running: { title: 'Campaign started', severity: 'info' },
  paused: { title: 'Campaign paused', severity: 'warning' },
  completed: { title: 'Campaign completed', severity: 'info' },
  failed: { title: 'Campaign failed', severity: 'error' },
};

/**
 * The campaign actor (DESIGN §5) and what its transitions do: mirror the state on the campaign
 * document, arm the dispatch job, tell readers and notify marketers. Live updates are throttled to
 * about one a second per campaign.
 */
export class CampaignLifecycle {
  private readonly host: ActorHost<typeof campaignMachine>;
  readonly rates: RateSeries;
  /** Per campaign, the update scheduled (`timer`) or being published (no timer). */
  private readonly pending = new Map<string, { timer?: NodeJS.Timeout; again: boolean }>();
  /** How long the last update of each campaign took to read, to space the next one. */
  private readonly took = new Map<string, number>();
  private closed = false;
  private readonly deps: LifecycleDeps['platform'];
  private readonly store: LifecycleDeps['store'];
  private readonly notifications: NotificationsPort;
  readonly spend: SpendLedger;

  constructor({ platform, store, spend, notifications }: LifecycleDeps) {
    this.deps = platform;
    this.store = store;
    this.spend = spend;
    this.notifications = notifications;
    this.rates = new RateSeries(platform.redis);
    this.host = new ActorHost(platform.db, { kind: 'campaign', machine: campaignMachine, version: CAMPAIGN_MACHINE_VERSION, input: (campaignId) => ({ campaignId }) }, platform.logger);
    this.host.onEffect('campaign.changed', ({ tenantId, actorId, effectId, effect }) => this.onChanged(tenantId, actorId, effectId, effect as Extract<CampaignEffect, { type: 'campaign.changed' }>));
    this.host.onEffect('campaign.arm', ({ tenantId, actorId, effect }) => this.arm(tenantId, actorId, new Date((effect as Extract<CampaignEffect, { type: 'campaign.arm' }>).at)));
  }

  /** Whether the campaign's current state accepts the event (for 409 answers). */
  async can(tenantId: string, campaignId: string, event: CampaignEvent): Promise<boolean> {
    const current = await this.host.snapshot(tenantId, campaignId);
    if (!current) return event.type === 'LAUNCH';
    return current.snapshot.can(event);
  }

  async state(tenantId: string, campaignId: string): Promise<string> {
    const current = await this.host.snapshot(tenantId, campaignId);
    return current ? String(current.snapshot.value) : 'draft';
  }

  /** `eventId` names the fact; a person's action is a fact of its own each time. */
  async send(tenantId: string, campaignId: string, event: CampaignEvent, eventId: string = randomUUID()): Promise<void> {
    await this.host.send(tenantId, campaignId, event, eventId);
  }

  /** A pause the campaign decides itself; it does nothing unless the campaign is running. */
  async autoPause(tenantId: string, campaignId: string, reason: PauseReason, message: string): Promise<void> {
    const event: CampaignEvent = { type: 'PAUSE', reason, message, at: Date.now() };
    if (!(await this.can(tenantId, campaignId, event))) return;
    this.deps.logger.warn({ tenantId, campaignId, reason }, 'campaign paused itself');
    await this.send(tenantId, campaignId, event);
  }

  /** `onlyIfIdle`: re-arming after a possible crash, which leaves a run under way alone. */
  async arm(tenantId: string, campaignId: string, at: Date, onlyIfIdle = false): Promise<void> {
    await this.deps.jobs.arm(DISPATCH_JOB, { tenantId, campaignId }, { tenantId, campaignId }, at, onlyIfIdle);
  }

  async view(tenantId: string, campaignId: string): Promise<CampaignView | null> {
    const doc = await this.store.campaigns.find(tenantId, campaignId);
    if (!doc) return null;
    const counters = await countersOf(this.store.recipients, tenantId, campaignId);
    return toCampaignView(doc, counters, await this.rates.pace(campaignId, counters.queued), await this.spend.spentOf(doc));
  }

  /**
   * Schedules one `campaign:updated` (and new rate points) for this campaign within a second, or
   * twice as long as the last one took to read: updates never pile up on a busy database. A
   * change while an update is being read is published by another one after it.
   */
  touch(tenantId: string, campaignId: string): void {
    const key = `${tenantId}/${campaignId}`;
    const scheduled = this.pending.get(key);
    if (scheduled) {
      if (!scheduled.timer) scheduled.again = true;
      return;
    }
    if (this.closed) return;
    const entry: { timer?: NodeJS.Timeout; again: boolean } = { again: false };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const started = Date.now();
      this.publish(tenantId, campaignId)
        .catch((error: unknown) => this.deps.logger.warn({ err: error, campaignId }, 'campaign update not published'))
        .finally(() => {
          this.took.set(key, Date.now() - started);
          this.pending.delete(key);
          if (entry.again) this.touch(tenantId, campaignId);
        });
    }, Math.max(1000, 2 * (this.took.get(key) ?? 0)));
    entry.timer.unref();
    this.pending.set(key, entry);
  }

  /** Counting the recipients is what an update costs: with nobody watching, none is made. */
  async publish(tenantId: string, campaignId: string): Promise<void> {
    const room = ROOMS.readers(tenantId, 'Campaign');
    if (!(await this.deps.realtime.hasListeners([room]))) return;
    const view = await this.view(tenantId, campaignId);
    if (!view) return;
    this.deps.realtime.toRooms([room], 'campaign:updated', view);
    this.deps.realtime.toRooms([room], 'campaign:rate', { campaignId, points: await this.rates.points(campaignId, 5) });
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  sweep(tenantId: string): Promise<number> {
    return this.host.sweep(tenantId, 30_000);
  }

  /** Whether the campaign left `running` (paused, cancelled...): a batch under way stops sending. */
  async halted(campaignId: string): Promise<boolean> {
    const status = await this.status(campaignId);
    return status !== null && status !== 'running';
  }

  /** The status as its last transition left it (null when Redis no longer knows). */
  status(campaignId: string): Promise<string | null> {
    return this.deps.redis.get(statusKey(campaignId));
  }

  private async onChanged(tenantId: string, campaignId: string, effectId: string, effect: Extract<CampaignEffect, { type: 'campaign.changed' }>): Promise<void> {
    // Before the document, so that once anyone can see the pause no new message of it goes out.
    await this.deps.redis.set(statusKey(campaignId), effect.status, 'EX', 30 * 86_400);
    const pause = effect.pause ? { ...effect.pause, at: new Date(effect.pause.at) } : null;
    const date = (ms: number | null) => (ms === null ? null : new Date(ms));
    // A finished campaign keeps what it spent, for when Redis's reservations have expired.
    const finished = FINISHED_CAMPAIGN_STATUSES.includes(effect.status) ? { spent: await this.spend.spentOf({ _id: campaignId, spent: null }) } : {};
    const doc = await this.store.campaigns.mirrorState(tenantId, campaignId, { status: effect.status, pause, failure: effect.failure, startedAt: date(effect.startedAt), finishedAt: date(effect.finishedAt), ...finished });
    if (!doc) return;
    if ('spent' in finished) await this.spend.release(campaignId);
    await this.publish(tenantId, campaignId);
    const notice = NOTICES[effect.status];
    if (!notice) return;
    const why = effect.status === 'paused' && effect.pause ? `: ${effect.pause.message}` : effect.status === 'failed' && effect.failure ? `: ${effect.failure}` : '';
    await this.notifications.notify(tenantId, {
      key: effectId,
      kind: `campaign.${effect.status}`,
      severity: notice.severity,
      title: notice.title,
      body: `${doc.name}${why}`,
      link: `/campaigns/${campaignId}`,
      to: { userIds: [doc.createdBy.id], permission: ['manage', 'Campaign'] },
    });
  }
}

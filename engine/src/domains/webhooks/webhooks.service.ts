import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isOutageError } from '../../platform/errors/outage.js';
import { KeyedWorkQueue } from '../../platform/jobs/work-queue.js';
import { tasks } from '../../platform/runtime/task-labels.js';
import { describeInbound, flattenWebhook, itemTime, parseWebhookBody, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import { ItemTimeout, narrow, isKind, withinTimeLimit, type AnyHandler, type HandlerRoute, type ItemHandler } from './item-handlers.js';
import type { ChannelLookup } from './ports.js';
import { DEFAULT_PACE, INTAKE_DEFAULTS, type IntakePace, type WebhookIntakeOptions } from './webhooks.options.js';
import { channelOfItem, requireSignatureHeader, resolveSigned } from './signed-channels.js';
import { inProcessingOrder, orderKey } from './item-order.js';
import { QuarantineRepository } from './quarantine.repository.js';
import { WebhooksRepository, type Mark, type Pruned } from './webhooks.repository.js';

/** How long failures caused by a dependency away leave an item's attempts untouched. */
const OUTAGE_GRACE_MS = 3_600_000;
/** What is kept of a failure's message on the item's mark and dead letter. */
const MAX_REASON_CHARS = 1000;

/**
 * Webhook intake (DESIGN §6): verify, persist deduplicated, answer, then process. Items are
 * processed after the answer; a sweeper processes what a crash or an error left behind.
 */
export class WebhooksService {
  private readonly stored: WebhooksRepository;
  private readonly handlers = new Map<WebhookItem['kind'], AnyHandler[]>();
  private readonly routes: HandlerRoute[] = [];
  /** Mark deletions not yet written: `idle` waits for them too. */
  private readonly clearing = new Set<Promise<void>>();
  private readonly queue: KeyedWorkQueue;
  /** Webhook requests being verified and stored right now, and when they last were many. */
  private receiving = 0;
  private busySince = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** When this process last pruned each tenant's stored webhooks. */
  private readonly prunedAt = new Map<string, number>();
  private readonly pace: IntakePace;
  private readonly limits: typeof INTAKE_DEFAULTS;
  private readonly abortMarker: string | null;
  readonly quarantine: QuarantineRepository;

  /** The repositories are built on `db` here, so that a test can open a service of its own. */
  constructor(
    db: Database,
    private readonly channels: ChannelLookup,
    private readonly logger: Logger,
    options: WebhookIntakeOptions = {},
  ) {
    const pace = options.pace ?? DEFAULT_PACE;
    this.pace = pace;
    this.limits = { retentionMs: options.retentionMs ?? INTAKE_DEFAULTS.retentionMs, itemTimeoutMs: options.itemTimeoutMs ?? INTAKE_DEFAULTS.itemTimeoutMs, maxAttempts: options.maxAttempts ?? INTAKE_DEFAULTS.maxAttempts };
    this.abortMarker = options.abortMarker ?? null;
    this.quarantine = new QuarantineRepository(db);
    this.stored = new WebhooksRepository(db);
    // Answering Meta comes first: while a burst of webhooks is being stored, processing what is
    // already stored goes on with one worker, so that acknowledgements keep their pace and the
    // backlog is worked off, in order, once the burst has passed, or as soon as it grows long.
    this.queue = new KeyedWorkQueue(() => (this.intakeBusy() && this.queue.size < pace.backlogLimit ? 1 : pace.workers));
  }

  /** Every handler of a kind runs for each item of that kind not taken by a route. */
  on<K extends WebhookItem['kind']>(kind: K, handler: ItemHandler<K>): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), narrow(kind, handler)]);
  }

  /** Items a domain recognises as its own (campaign statuses by their claim id) go to it alone. */
  route<K extends WebhookItem['kind']>(kind: K, accepts: (item: Extract<WebhookItem, { kind: K }>) => boolean, handler: ItemHandler<K>): void {
    this.routes.push({ kind, accepts: (item) => isKind(kind, item) && accepts(item), handler: narrow(kind, handler) });
  }

  async verifyHandshake(mode: unknown, token: unknown, challenge: unknown): Promise<string> {
    if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') {
      throw new AppError('FORBIDDEN', 'Verification failed');
    }
    const tokens = await this.channels.verifyTokens();
    if (!tokens.includes(token)) throw new AppError('FORBIDDEN', 'Verification failed');
    return challenge;
  }

  /** Returns once every item is stored; throws 4xx for bad input and lets storage errors be 5xx. */
  async receive(raw: Buffer, signature: string | undefined): Promise<{ tenantItems: Map<string, WebhookItem[]> }> {
    this.receiving++;
    if (this.receiving >= this.pace.busyIntake) this.busySince = Date.now();
    try {
      return await this.verifyAndStore(raw, signature);
    } finally {
      this.receiving--;
    }
  }

  /** Busy while many requests are in flight, and for a moment after. */
  private intakeBusy(): boolean {
    if (this.receiving >= this.pace.busyIntake) return true;
    const quietIn = this.busySince + this.pace.busyLingerMs - Date.now();
    if (quietIn <= 0) return false;
    this.wakeTimer ??= setTimeout(() => {
      this.wakeTimer = null;
      this.queue.wake();
    }, quietIn).unref();
    return true;
  }

  private async verifyAndStore(raw: Buffer, header: string | undefined): Promise<{ tenantItems: Map<string, WebhookItem[]> }> {
    const signature = requireSignatureHeader(header);
    const envelope = parseWebhookBody(raw);
    const channels = await resolveSigned(this.channels, envelope, raw, signature);
    const byTenant = new Map<string, WebhookItem[]>();
    for (const channel of channels.values()) byTenant.set(channel.tenantId, []);
    const oldest = Date.now() - this.limits.retentionMs;
    for (const item of flattenWebhook(envelope)) {
      // Older than what is kept to recognise it: a replay, acknowledged and ignored.
      const at = itemTime(item);
      if (at !== null && at < oldest) continue;
      const channel = channelOfItem(channels, item);
      if (channel) byTenant.get(channel.tenantId)?.push(item);
    }
    for (const [tenantId, items] of byTenant) await this.stored.store(tenantId, items);
    return { tenantItems: byTenant };
  }

  /**
   * Processes stored items after the 200 went out, by a bounded pool of workers so that a burst
   * never starves the intake. Items of one customer (or one message's statuses) keep their order.
   */
  processLater(tenantItems: Map<string, WebhookItem[]>): void {
    for (const [tenantId, items] of tenantItems) {
      for (const item of inProcessingOrder(items)) {
        this.queue.push(
          `${tenantId}/${orderKey(item)}`,
          async () => {
            // Its first attempt was counted when it was stored (or unparked), right before this.
            await this.processOne(tenantId, item, 1);
          },
          item.kind === 'message',
        );
      }
    }
  }

  /** Resolves once every item handed to `processLater` is processed and its mark deleted. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.clearing.size > 0) await Promise.all([...this.clearing]);
  }

  /**
   * Picks up items stored but never processed (a crash between storing and processing), or whose
   * processing failed, from the pending marks; parks those that used up their attempts. A mark
   * whose item is missing belongs to a request that failed before its 200: Meta sends it again.
   */
  async sweep(tenantId: string, olderThanMs: number): Promise<number> {
    const { marks, items, orphaned } = await this.stored.dueForRetry(tenantId, olderThanMs);
    await Promise.all(orphaned.map((key) => this.clearMark(tenantId, key)));
    await this.retry(tenantId, marks, items);
    return items.length;
  }

  /**
   * Deletes what arrived more than `retentionMs` ago: stored items, their callback lookups, and
   * the marks of items given up after 10 failed attempts (before dead letters). An item still
   * waiting to be processed (an engine down for longer than that), or parked, is kept until it is
   * processed or discarded. Runs at most every `everyMs` per tenant in this process: on FerretDB
   * it reads the collections through.
   */
  async prune(tenantId: string, retentionMs: number, everyMs = 3600_000): Promise<Pruned | null> {
    const last = this.prunedAt.get(tenantId);
    if (last !== undefined && Date.now() - last < everyMs) return null;
    this.prunedAt.set(tenantId, Date.now());
    return this.stored.prune(tenantId, new Date(Date.now() - retentionMs));
  }

  /** Statuses whose callback data passes `accepts` are stored findable by it (applyStoredStatuses). */
  indexCallbacks(accepts: (callback: string) => boolean): void {
    this.stored.indexCallbacks(accepts);
  }

  /**
   * Processes now the stored but unprocessed statuses of sends that carried these callback data
   * (a restart's backlog, say), found by their callback data alone. Returns how many it processed.
   */
  async applyStoredStatuses(tenantId: string, callbackData: string[]): Promise<number> {
    const { marks, items } = await this.stored.unprocessedByCallback(tenantId, callbackData);
    await this.retry(tenantId, marks, items);
    return items.length;
  }

  /**
   * Processes stored items again, in order, one after the other: each attempt counted before it
   * runs (an item that kills the process has its attempt on record), and an item that used up its
   * attempts parked instead of run, so that the rest go on.
   */
  private async retry(tenantId: string, marks: readonly Mark[], items: readonly WebhookItem[]): Promise<void> {
    const markOf = new Map(marks.map((mark) => [mark._id, mark]));
    const cleared: Promise<void>[] = [];
    for (const item of inProcessingOrder(items)) {
      const mark = markOf.get(item.key);
      if (!mark) continue;
      if (mark.attempts >= this.limits.maxAttempts) {
        await this.park(tenantId, item, mark.attempts, mark.lastError ?? `processing never finished in ${mark.attempts} attempts (the engine stopped or hung)`);
        continue;
      }
      await this.quarantine.beginAttempt(tenantId, item.key);
      const done = await this.processOne(tenantId, item, mark.attempts + 1);
      if (done) cleared.push(done.cleared);
    }
    await Promise.all(cleared);
  }

  private async park(tenantId: string, item: WebhookItem, attempts: number, reason: string): Promise<void> {
    await this.quarantine.park(tenantId, item, attempts, reason);
    this.logger.warn({ tenantId, key: item.key, attempts, reason }, 'webhook item parked as a dead letter; a platform admin may retry or discard it');
  }

  /**
   * Deletes a processed item's pending mark, together with the marks of other items processed
   * meanwhile: one command for many instead of one round trip each (two per campaign message).
   * Until it is written, a crash leaves the mark, and the sweep processes the item again, which
   * changes nothing. Never rejects: a failed deletion is logged and left to the sweep.
   */
  private clearMark(tenantId: string, key: string): Promise<void> {
    const clearing: Promise<void> = this.stored
      .clearMark(tenantId, key)
      .catch((error: unknown) => this.logger.warn({ err: error, tenantId, key }, 'deleting the pending mark of a processed webhook item failed; the sweep will see it'))
      .finally(() => this.clearing.delete(clearing));
    this.clearing.add(clearing);
    return clearing;
  }

  /**
   * Processes one item within the time limit; once it is processed, its mark's deletion is under
   * way (`cleared`). A failure is recorded on its mark, or parks it if it was its last attempt.
   */
  private async processOne(tenantId: string, item: WebhookItem, attempt: number): Promise<{ cleared: Promise<void> } | null> {
    try {
      this.injectFault(item);
      const work = this.runHandlers(tenantId, item);
      await withinTimeLimit(work, this.limits.itemTimeoutMs).catch((error: unknown) => {
        // Given up, but still running: if it finishes after all, its mark goes, or the sweep would run it again.
        if (error instanceof ItemTimeout) void work.then(() => this.clearMark(tenantId, item.key), () => undefined);
        throw error;
      });
      return { cleared: this.clearMark(tenantId, item.key) };
    } catch (error) {
      this.logger.error({ err: error, tenantId, key: item.key, attempt }, 'webhook item processing failed');
      const reason = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, MAX_REASON_CHARS);
      // Redis or the database away says nothing about the item: its attempt is given back, or a
      // long outage would park every message that came in during it. Only for a while, though: an
      // item that still meets "an outage" after OUTAGE_GRACE_MS is treated like any failure, so
      // nothing is retried for ever. A mark that cannot be read (the database away) counts as young.
      const outage = isOutageError(error) && (await this.quarantine.receivedWithin(tenantId, item.key, OUTAGE_GRACE_MS).catch(() => true));
      const recorded = outage
        ? this.quarantine.giveBackAttempt(tenantId, item.key, reason)
        : attempt >= this.limits.maxAttempts
          ? this.park(tenantId, item, attempt, reason)
          : this.quarantine.recordFailure(tenantId, item.key, reason);
      await recorded.catch((failure: unknown) => this.logger.warn({ err: failure, tenantId, key: item.key }, 'recording a failed webhook attempt failed; the sweep will see the item'));
      return null;
    }
  }

  private async runHandlers(tenantId: string, item: WebhookItem): Promise<void> {
    const routed = this.routes.find((r) => r.kind === item.kind && r.accepts(item));
    // Labelled for the event-loop watchdog, which names the item that held the loop.
    const label = `webhook item ${item.kind} tenant ${tenantId}`;
    for (const handler of routed ? [routed.handler] : (this.handlers.get(item.kind) ?? [])) await tasks.run(label, () => handler(tenantId, item));
  }

  /**
   * Only ever set under NODE_ENV=test: a message that kills the process at once, as the kernel's
   * out-of-memory killer would (SIGKILL: no handler runs, and unlike abort() no core file is left).
   */
  private injectFault(item: WebhookItem): void {
    if (this.abortMarker && item.kind === 'message' && describeInbound(item.message).text.includes(this.abortMarker)) process.kill(process.pid, 'SIGKILL');
  }
}

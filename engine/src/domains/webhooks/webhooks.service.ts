import type { Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isOutageError } from '../../platform/errors/outage.js';
import { BatchWriter } from '../../platform/db/batch-writer.js';
import { KeyedWorkQueue } from '../../platform/jobs/work-queue.js';
import { tasks } from '../../platform/runtime/task-labels.js';
import { describeInbound, flattenWebhook, itemTime, parseWebhookBody, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { OpenChannel } from '../channels/index.js';
import { findByIds } from '../../platform/db/by-id.js';
import { CALLBACK_STATUSES, callbackIdOf, webhookCallbackSchema, webhookEventSchema, webhookPendingSchema, type WebhookCallbackDoc, type WebhookEventDoc, type WebhookPendingDoc } from './webhooks.model.js';
import { channelOfItem, requireSignatureHeader, resolveSigned } from './signed-channels.js';
import { inProcessingOrder, orderKey, unlessOnlyDuplicates } from './item-order.js';
import { QuarantineRepository } from './quarantine.repository.js';

export interface ChannelLookup {
  byPhoneNumberId(phoneNumberId: string): Promise<OpenChannel | null>;
  byWabaId(wabaId: string): Promise<OpenChannel | null>;
  verifyTokens(): Promise<string[]>;
}

export type ItemHandler<K extends WebhookItem['kind']> = (tenantId: string, item: Extract<WebhookItem, { kind: K }>) => Promise<void>;

/** How processing shares the process with the intake (see the work queue in the constructor). */
export interface IntakePace {
  /** Items processed side by side while the intake is quiet. */
  workers: number;
  /** Webhook requests in flight from which the intake counts as busy. */
  busyIntake: number;
  /** How long it stays busy after that: a burst comes in waves. */
  busyLingerMs: number;
  /**
   * Items waiting from which all the workers process even while the intake is busy: under a
   * steady stream (a campaign's statuses) the intake is always busy, and one worker falls ever
   * further behind, leaving counters, retries and replies minutes late.
   */
  backlogLimit: number;
}

const DEFAULT_PACE: IntakePace = { workers: 4, busyIntake: 4, busyLingerMs: 200, backlogLimit: 5000 };

export interface WebhookIntakeOptions {
  pace?: IntakePace;
  /**
   * Items that say they happened longer ago than this are acknowledged and ignored: what was
   * stored that long ago has been pruned, so a replay could not be told from a first delivery.
   */
  retentionMs?: number;
  /** Processing of one item is given up after this long, and counts as a failed attempt. */
  itemTimeoutMs?: number;
  /** Attempts that never finished after which an item is parked as a dead letter. */
  maxAttempts?: number;
  /** Test-only fault (config: TEST_WEBHOOK_ABORT_MARKER): an inbound text holding it aborts the process. */
  abortMarker?: string | null;
}

const DEFAULTS = { retentionMs: 7 * 86_400_000, itemTimeoutMs: 30_000, maxAttempts: 3 };

/** A pending mark as the retry paths read it. */
type Mark = Pick<WebhookPendingDoc, '_id' | 'attempts' | 'lastError'>;

type AnyHandler = (tenantId: string, item: WebhookItem) => Promise<void>;

interface Route {
  kind: WebhookItem['kind'];
  accepts: (item: WebhookItem) => boolean;
  handler: AnyHandler;
}

/**
 * Webhook intake (DESIGN §6): verify, persist deduplicated, answer, then process. Items are
 * processed after the answer; a sweeper processes what a crash or an error left behind.
 */
export class WebhooksService {
  private readonly events: (tenantId: string) => Model<WebhookEventDoc>;
  private readonly pending: (tenantId: string) => Model<WebhookPendingDoc>;
  private readonly callbacks: (tenantId: string) => Model<WebhookCallbackDoc>;
  private readonly handlers = new Map<WebhookItem['kind'], AnyHandler[]>();
  private readonly routes: Route[] = [];
  /** Which callback data `applyStoredStatuses` may be asked about (see `indexCallbacks`). */
  private readonly indexed: ((callback: string) => boolean)[] = [];
  private readonly writers = new Map<string, BatchWriter<WebhookEventDoc>>();
  /** Per tenant, the pending marks of processed items, deleted together (see `clearMark`). */
  private readonly clearers = new Map<string, BatchWriter<string>>();
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
  private readonly limits: typeof DEFAULTS;
  private readonly abortMarker: string | null;
  readonly quarantine: QuarantineRepository;

  constructor(
    private readonly db: Database,
    private readonly channels: ChannelLookup,
    private readonly logger: Logger,
    options: WebhookIntakeOptions = {},
  ) {
    const pace = options.pace ?? DEFAULT_PACE;
    this.pace = pace;
    this.limits = { retentionMs: options.retentionMs ?? DEFAULTS.retentionMs, itemTimeoutMs: options.itemTimeoutMs ?? DEFAULTS.itemTimeoutMs, maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts };
    this.abortMarker = options.abortMarker ?? null;
    this.quarantine = new QuarantineRepository(db);
    this.events = db.defineTenantModel('WebhookEvent', webhookEventSchema);
    this.pending = db.defineTenantModel('WebhookPending', webhookPendingSchema);
    this.callbacks = db.defineTenantModel('WebhookCallback', webhookCallbackSchema);
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
    for (const [tenantId, items] of byTenant) await this.store(tenantId, items);
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
    const marks = await this.pending(tenantId)
      .find({ receivedAt: { $lt: new Date(Date.now() - olderThanMs) }, parkedAt: null }, { _id: 1, attempts: 1, lastError: 1 })
      .sort({ receivedAt: 1 })
      .limit(200)
      .lean();
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    const found = new Set(stored.map((doc) => doc._id));
    await Promise.all(marks.filter((mark) => !found.has(mark._id)).map((mark) => this.clearMark(tenantId, mark._id)));
    await this.retry(tenantId, marks, stored.map((doc) => doc.item as WebhookItem));
    return stored.length;
  }

  /**
   * Deletes what arrived more than `retentionMs` ago: stored items, their callback lookups, and
   * the marks of items given up after 10 failed attempts (before dead letters). An item still
   * waiting to be processed (an engine down for longer than that), or parked, is kept until it is
   * processed or discarded. Runs at most every `everyMs` per
   * tenant in this process; MongoDB answers from the `receivedAt` indexes, FerretDB reads the
   * collections through, which is why it is not run more often.
   */
  async prune(tenantId: string, retentionMs: number, everyMs = 3600_000): Promise<{ events: number; callbacks: number; marks: number } | null> {
    const last = this.prunedAt.get(tenantId);
    if (last !== undefined && Date.now() - last < everyMs) return null;
    this.prunedAt.set(tenantId, Date.now());
    const before = new Date(Date.now() - retentionMs);
    // Lookups stored before they carried their time count from the first prune that sees them.
    await this.db.onceForTenant(tenantId, 'webhook-callbacks-received-at', () => this.callbacks(tenantId).updateMany({ receivedAt: { $exists: false } }, { $set: { receivedAt: new Date() } }));
    const marks = await this.pending(tenantId).deleteMany({ receivedAt: { $lt: before }, attempts: { $gte: 10 }, parkedAt: null });
    const waiting = (await this.pending(tenantId).find({ receivedAt: { $lt: before } }, { _id: 1 }).lean()).map((mark) => mark._id);
    const events = await this.events(tenantId).deleteMany({ receivedAt: { $lt: before }, ...(waiting.length > 0 ? { _id: { $nin: waiting } } : {}) });
    const callbacks = await this.callbacks(tenantId).deleteMany({ receivedAt: { $lt: before }, ...(waiting.length > 0 ? { key: { $nin: waiting } } : {}) });
    return { events: events.deletedCount, callbacks: callbacks.deletedCount, marks: marks.deletedCount };
  }

  /** Statuses whose callback data passes `accepts` are stored findable by it (applyStoredStatuses). */
  indexCallbacks(accepts: (callback: string) => boolean): void {
    this.indexed.push(accepts);
  }

  /**
   * Processes now the stored but unprocessed statuses of sends that carried these callback data
   * (a restart's backlog, say), found by their callback data alone. Returns how many it processed.
   */
  async applyStoredStatuses(tenantId: string, callbackData: string[]): Promise<number> {
    const ids = callbackData.flatMap((callback) => CALLBACK_STATUSES.map((status) => callbackIdOf(callback, status)));
    const found = await findByIds(this.db, this.callbacks(tenantId), ids);
    const marks = (await findByIds(this.db, this.pending(tenantId), found.map((f) => f.key), { _id: 1, attempts: 1, lastError: 1, parkedAt: 1 })).filter((mark) => !mark.parkedAt);
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    await this.retry(tenantId, marks, stored.map((doc) => doc.item as WebhookItem));
    return stored.length;
  }

  private async store(tenantId: string, items: WebhookItem[]): Promise<void> {
    if (items.length === 0) return;
    const now = new Date();
    const docs = items.map((item) => ({ _id: item.key, kind: item.kind, item, receivedAt: now }));
    await this.writerFor(tenantId).add(docs);
  }

  private writerFor(tenantId: string): BatchWriter<WebhookEventDoc> {
    let writer = this.writers.get(tenantId);
    if (!writer) {
      writer = new BatchWriter(async (docs) => {
        // Marked pending first: an item is never stored without its mark. Duplicates (Meta
        // redelivers) are expected and already stored; anything else fails the batch.
        // The first attempt is counted here, folded into the mark: processing follows the 200 at
        // once, and this way the hot path writes nothing more before it runs.
        const marks = docs.map((doc) => ({ _id: doc._id, receivedAt: doc.receivedAt, attempts: 1, lastError: null, parkedAt: null }));
        await this.pending(tenantId).insertMany(marks, { ordered: false, lean: true }).catch(unlessOnlyDuplicates);
        await this.events(tenantId).insertMany(docs, { ordered: false, lean: true }).catch(unlessOnlyDuplicates);
        const callbacks = docs.flatMap((doc) => {
          const item = doc.item as WebhookItem;
          const callback = item.kind === 'status' ? item.status.biz_opaque_callback_data : undefined;
          return item.kind === 'status' && callback && this.indexed.some((accepts) => accepts(callback)) ? [{ _id: callbackIdOf(callback, item.status.status), key: doc._id, receivedAt: doc.receivedAt }] : [];
        });
        if (callbacks.length > 0) await this.callbacks(tenantId).insertMany(callbacks, { ordered: false, lean: true }).catch(unlessOnlyDuplicates);
      });
      this.writers.set(tenantId, writer);
    }
    return writer;
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
    let clearer = this.clearers.get(tenantId);
    if (!clearer) {
      // One statement per mark, by primary key: FerretDB answers a filter on _id without scanning.
      clearer = new BatchWriter(async (keys) => {
        await this.pending(tenantId).bulkWrite(keys.map((_id) => ({ deleteMany: { filter: { _id } } })), { ordered: false });
      });
      this.clearers.set(tenantId, clearer);
    }
    const clearing: Promise<void> = clearer
      .add([key])
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
      await withinTimeLimit(this.runHandlers(tenantId, item), this.limits.itemTimeoutMs);
      return { cleared: this.clearMark(tenantId, item.key) };
    } catch (error) {
      this.logger.error({ err: error, tenantId, key: item.key, attempt }, 'webhook item processing failed');
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // Redis or the database away says nothing about the item: its attempt is given back, or a
      // long outage would park every message that came in during it.
      const recorded = isOutageError(error)
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

class ItemTimeout extends Error {
  constructor(ms: number) {
    super(`processing took longer than ${ms} ms and was given up`);
    this.name = 'ItemTimeout';
  }
}

/** Rejects once `ms` pass; the work itself cannot be stopped, but the item's line moves on. */
async function withinTimeLimit(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ItemTimeout(ms)), ms);
  });
  try {
    await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function isKind<K extends WebhookItem['kind']>(kind: K, item: WebhookItem): item is Extract<WebhookItem, { kind: K }> {
  return item.kind === kind;
}

function narrow<K extends WebhookItem['kind']>(kind: K, handler: ItemHandler<K>): AnyHandler {
  return async (tenantId, item) => {
    if (isKind(kind, item)) await handler(tenantId, item);
  };
}

import type { Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import { AppError } from '../../platform/errors/app-error.js';
import { verifySignature } from '../../platform/whatsapp/signature.js';
import { BatchWriter } from '../../platform/db/batch-writer.js';
import { KeyedWorkQueue } from '../../platform/jobs/work-queue.js';
import { envelopeSchema, flattenWebhook, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { OpenChannel } from '../channels/index.js';
import { findByIds } from '../../platform/db/by-id.js';
import { CALLBACK_STATUSES, callbackIdOf, webhookCallbackSchema, webhookEventSchema, webhookPendingSchema, type WebhookCallbackDoc, type WebhookEventDoc, type WebhookPendingDoc } from './webhooks.model.js';

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

  constructor(
    private readonly db: Database,
    private readonly channels: ChannelLookup,
    private readonly logger: Logger,
    private readonly pace: IntakePace = DEFAULT_PACE,
  ) {
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

  private async verifyAndStore(raw: Buffer, signature: string | undefined): Promise<{ tenantItems: Map<string, WebhookItem[]> }> {
    const envelope = parseEnvelope(raw);
    const byTenant = new Map<string, { channel: OpenChannel; items: WebhookItem[] }>();
    // Every change must belong to a connected number (or account), even one with nothing in it.
    for (const entry of envelope.entry) {
      for (const change of entry.changes) {
        const phoneNumberId = change.value.metadata?.phone_number_id;
        const channel = phoneNumberId ? await this.channels.byPhoneNumberId(phoneNumberId) : await this.channels.byWabaId(entry.id);
        if (!channel) throw new AppError('NOT_FOUND', 'The payload names a phone number or WhatsApp account that is not connected');
        if (!byTenant.has(channel.tenantId)) byTenant.set(channel.tenantId, { channel, items: [] });
      }
    }
    for (const item of flattenWebhook(envelope)) {
      const channel = item.kind === 'event' && !item.phoneNumberId ? await this.channels.byWabaId(item.wabaId) : await this.channels.byPhoneNumberId(item.phoneNumberId ?? '');
      if (channel) byTenant.get(channel.tenantId)?.items.push(item);
    }
    // One POST comes from one Meta app: every channel it touches must verify the same signature.
    for (const { channel } of byTenant.values()) {
      if (!verifySignature(raw, signature, channel.appSecret)) throw new AppError('UNAUTHENTICATED', 'Missing or invalid X-Hub-Signature-256');
    }
    const tenantItems = new Map<string, WebhookItem[]>();
    for (const [tenantId, group] of byTenant) {
      await this.store(tenantId, group.items);
      tenantItems.set(tenantId, group.items);
    }
    return { tenantItems };
  }

  /**
   * Processes stored items after the 200 went out, by a bounded pool of workers so that a burst
   * never starves the intake. Items of one customer (or one message's statuses) keep their order.
   */
  processLater(tenantItems: Map<string, WebhookItem[]>): void {
    for (const [tenantId, items] of tenantItems) {
      for (const item of [...items].sort((a, b) => rank(a) - rank(b) || timestamp(a) - timestamp(b))) {
        this.queue.push(
          `${tenantId}/${orderKey(item)}`,
          async () => {
            await this.processOne(tenantId, item);
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
   * processing failed (up to 10 attempts), from the pending marks. A mark whose item is missing
   * belongs to a request that failed before its 200: Meta sends that item again.
   */
  async sweep(tenantId: string, olderThanMs: number): Promise<number> {
    const marks = await this.pending(tenantId)
      .find({ receivedAt: { $lt: new Date(Date.now() - olderThanMs) }, attempts: { $lt: 10 } }, { _id: 1 })
      .sort({ receivedAt: 1 })
      .limit(200)
      .lean();
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    const found = new Set(stored.map((doc) => doc._id));
    await Promise.all(marks.filter((mark) => !found.has(mark._id)).map((mark) => this.clearMark(tenantId, mark._id)));
    await this.processAll(tenantId, stored.map((doc) => doc.item as WebhookItem));
    return stored.length;
  }

  /**
   * Deletes what arrived more than `retentionMs` ago: stored items, their callback lookups, and
   * the marks of items given up after 10 failed attempts. An item still waiting to be processed
   * (an engine down for longer than that) is kept until it is. Runs at most every `everyMs` per
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
    const marks = await this.pending(tenantId).deleteMany({ receivedAt: { $lt: before }, attempts: { $gte: 10 } });
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
    const marks = await findByIds(this.db, this.pending(tenantId), found.map((f) => f.key), { _id: 1 });
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    await this.processAll(tenantId, stored.map((doc) => doc.item as WebhookItem));
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
        const marks = docs.map((doc) => ({ _id: doc._id, receivedAt: doc.receivedAt, attempts: 0, lastError: null }));
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

  private async processAll(tenantId: string, items: WebhookItem[]): Promise<void> {
    // Inbound messages first, in their timestamp order; statuses after the sends they update.
    const ordered = [...items].sort((a, b) => rank(a) - rank(b) || timestamp(a) - timestamp(b));
    const cleared: Promise<void>[] = [];
    for (const item of ordered) {
      const done = await this.processOne(tenantId, item);
      if (done) cleared.push(done.cleared);
    }
    await Promise.all(cleared);
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

  /** Processes one item; once it is processed, its mark's deletion is under way (`cleared`). */
  private async processOne(tenantId: string, item: WebhookItem): Promise<{ cleared: Promise<void> } | null> {
    try {
      const routed = this.routes.find((r) => r.kind === item.kind && r.accepts(item));
      for (const handler of routed ? [routed.handler] : (this.handlers.get(item.kind) ?? [])) await handler(tenantId, item);
      return { cleared: this.clearMark(tenantId, item.key) };
    } catch (error) {
      this.logger.error({ err: error, tenantId, key: item.key }, 'webhook item processing failed');
      await this.pending(tenantId)
        .updateOne({ _id: item.key }, { $inc: { attempts: 1 }, $set: { lastError: String(error) } })
        .catch(() => undefined);
      return null;
    }
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

function parseEnvelope(raw: Buffer) {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('MALFORMED_JSON', 'The body is not valid JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw AppError.validation(parsed.error.issues.slice(0, 20).map((issue) => ({ field: ['body', ...issue.path.map(String)].join('.'), message: issue.message })));
  }
  return parsed.data;
}

function unlessOnlyDuplicates(error: unknown): void {
  if (!onlyDuplicates(error)) throw error;
}

function onlyDuplicates(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((e) => (e.code ?? e.err?.code) === 11000);
  return (error as { code?: number }).code === 11000;
}

function orderKey(item: WebhookItem): string {
  if (item.kind === 'message') return `c:${item.contact.waId ?? item.contact.userId ?? item.key}`;
  if (item.kind === 'status') return `s:${item.status.id}`;
  return `e:${item.field}`;
}

function rank(item: WebhookItem): number {
  return item.kind === 'message' ? 0 : item.kind === 'status' ? 1 : 2;
}

function timestamp(item: WebhookItem): number {
  if (item.kind === 'message') return Number(item.message.timestamp ?? 0);
  if (item.kind === 'status') return Number(item.status.timestamp ?? 0);
  return 0;
}

import type { Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { BatchWriter } from '../../platform/db/batch-writer.js';
import { findByIds } from '../../platform/db/by-id.js';
import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import { CALLBACK_STATUSES, callbackIdOf, webhookCallbackSchema, webhookEventSchema, webhookPendingSchema, type WebhookCallbackDoc, type WebhookEventDoc, type WebhookPendingDoc } from './webhooks.model.js';

/** A pending mark as the retry paths read it. */
export type Mark = Pick<WebhookPendingDoc, '_id' | 'attempts' | 'lastError'>;

/** Stored items waiting to be processed again, with their marks. */
export interface Unprocessed {
  marks: Mark[];
  items: WebhookItem[];
}

/** How many of each were deleted by a prune. */
export interface Pruned {
  events: number;
  callbacks: number;
  marks: number;
}

/**
 * Storage of webhook items: the stored events (the dedupe record), the pending marks of items not
 * processed yet, and the index of campaign statuses by callback data. The last two exist for
 * FerretDB 1.x, which answers only a bare `_id` from an index: the sweep reads the marks (as many
 * as are in flight) instead of the whole history of events, and a send whose answer was lost finds
 * its status by its own id.
 */
export class WebhooksRepository {
  private readonly events: (tenantId: string) => Model<WebhookEventDoc>;
  private readonly pending: (tenantId: string) => Model<WebhookPendingDoc>;
  private readonly callbacks: (tenantId: string) => Model<WebhookCallbackDoc>;
  /** Which callback data `unprocessedByCallback` may be asked about (see `indexCallbacks`). */
  private readonly indexed: ((callback: string) => boolean)[] = [];
  private readonly writers = new Map<string, BatchWriter<WebhookEventDoc>>();
  /** Per tenant, the pending marks of processed items, deleted together (see `clearMark`). */
  private readonly clearers = new Map<string, BatchWriter<string>>();

  constructor(private readonly db: Database) {
    this.events = db.defineTenantModel('WebhookEvent', webhookEventSchema);
    this.pending = db.defineTenantModel('WebhookPending', webhookPendingSchema);
    this.callbacks = db.defineTenantModel('WebhookCallback', webhookCallbackSchema);
  }

  /** Statuses whose callback data passes `accepts` are stored findable by it. */
  indexCallbacks(accepts: (callback: string) => boolean): void {
    this.indexed.push(accepts);
  }

  /** Stores items with their pending marks, in group commits per tenant; resolves once written. */
  async store(tenantId: string, items: WebhookItem[]): Promise<void> {
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
        const callbacks = docs.flatMap((doc) => this.callbackLookupOf(doc));
        if (callbacks.length > 0) await this.callbacks(tenantId).insertMany(callbacks, { ordered: false, lean: true }).catch(unlessOnlyDuplicates);
      });
      this.writers.set(tenantId, writer);
    }
    return writer;
  }

  private callbackLookupOf(doc: WebhookEventDoc): WebhookCallbackDoc[] {
    const item = doc.item as WebhookItem;
    const callback = item.kind === 'status' ? item.status.biz_opaque_callback_data : undefined;
    return item.kind === 'status' && callback && this.indexed.some((accepts) => accepts(callback)) ? [{ _id: callbackIdOf(callback, item.status.status), key: doc._id, receivedAt: doc.receivedAt }] : [];
  }

  /**
   * The oldest 200 unparked marks older than `olderThanMs`, with their stored items; `orphaned`
   * names the marks whose item is missing (a request that failed before its 200).
   */
  async dueForRetry(tenantId: string, olderThanMs: number): Promise<Unprocessed & { orphaned: string[] }> {
    const marks = await this.pending(tenantId)
      .find({ receivedAt: { $lt: new Date(Date.now() - olderThanMs) }, parkedAt: null }, { _id: 1, attempts: 1, lastError: 1 })
      .sort({ receivedAt: 1 })
      .limit(200)
      .lean();
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    const found = new Set(stored.map((doc) => doc._id));
    return { marks, items: stored.map((doc) => doc.item as WebhookItem), orphaned: marks.filter((mark) => !found.has(mark._id)).map((mark) => mark._id) };
  }

  /** The stored, unprocessed and unparked statuses of sends that carried these callback data. */
  async unprocessedByCallback(tenantId: string, callbackData: string[]): Promise<Unprocessed> {
    const ids = callbackData.flatMap((callback) => CALLBACK_STATUSES.map((status) => callbackIdOf(callback, status)));
    const found = await findByIds(this.db, this.callbacks(tenantId), ids);
    const marks = (await findByIds(this.db, this.pending(tenantId), found.map((f) => f.key), { _id: 1, attempts: 1, lastError: 1, parkedAt: 1 })).filter((mark) => !mark.parkedAt);
    const stored = await findByIds(this.db, this.events(tenantId), marks.map((mark) => mark._id));
    return { marks, items: stored.map((doc) => doc.item as WebhookItem) };
  }

  /**
   * Deletes a processed item's pending mark, together with the marks of other items processed
   * meanwhile: one command for many instead of one round trip each (two per campaign message).
   */
  clearMark(tenantId: string, key: string): Promise<void> {
    let clearer = this.clearers.get(tenantId);
    if (!clearer) {
      // One statement per mark, by primary key: FerretDB answers a filter on _id without scanning.
      clearer = new BatchWriter(async (keys) => {
        await this.pending(tenantId).bulkWrite(keys.map((_id) => ({ deleteMany: { filter: { _id } } })), { ordered: false });
      });
      this.clearers.set(tenantId, clearer);
    }
    return clearer.add([key]);
  }

  /**
   * Deletes what arrived before `before`: stored items, their callback lookups, and the marks of
   * items given up after 10 failed attempts (before dead letters). An item still waiting to be
   * processed, or parked, is kept. MongoDB answers from the `receivedAt` indexes, FerretDB reads
   * the collections through, which is why the service runs it rarely.
   */
  async prune(tenantId: string, before: Date): Promise<Pruned> {
    // Lookups stored before they carried their time count from the first prune that sees them.
    await this.db.onceForTenant(tenantId, 'webhook-callbacks-received-at', () => this.callbacks(tenantId).updateMany({ receivedAt: { $exists: false } }, { $set: { receivedAt: new Date() } }));
    const marks = await this.pending(tenantId).deleteMany({ receivedAt: { $lt: before }, attempts: { $gte: 10 }, parkedAt: null });
    const waiting = (await this.pending(tenantId).find({ receivedAt: { $lt: before } }, { _id: 1 }).lean()).map((mark) => mark._id);
    const events = await this.events(tenantId).deleteMany({ receivedAt: { $lt: before }, ...(waiting.length > 0 ? { _id: { $nin: waiting } } : {}) });
    const callbacks = await this.callbacks(tenantId).deleteMany({ receivedAt: { $lt: before }, ...(waiting.length > 0 ? { key: { $nin: waiting } } : {}) });
    return { events: events.deletedCount, callbacks: callbacks.deletedCount, marks: marks.deletedCount };
  }
}

/** A bulk insert that failed only on keys already stored (Meta redelivers) did its work. */
function unlessOnlyDuplicates(error: unknown): void {
  if (!onlyDuplicates(error)) throw error;
}

function onlyDuplicates(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((e) => (e.code ?? e.err?.code) === 11000);
  return (error as { code?: number }).code === 11000;
}

import type { Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import { deadLetterIdOf, deadLetterSchema, webhookEventSchema, webhookPendingSchema, type DeadLetterDoc, type WebhookEventDoc, type WebhookPendingDoc } from './webhooks.model.js';

/**
 * Storage of processing attempts and dead letters. Every write on a tenant's collections is by
 * bare `_id` (the only filter FerretDB answers from an index); the platform's dead-letter list is
 * the one place that reads across tenants, and it holds only parked items.
 */
export class QuarantineRepository {
  private readonly events: (tenantId: string) => Model<WebhookEventDoc>;
  private readonly pending: (tenantId: string) => Model<WebhookPendingDoc>;
  private readonly deadLetters: Model<DeadLetterDoc>;

  constructor(db: Database) {
    this.events = db.defineTenantModel('WebhookEvent', webhookEventSchema);
    this.pending = db.defineTenantModel('WebhookPending', webhookPendingSchema);
    this.deadLetters = db.definePlatformModel('WebhookDeadLetter', deadLetterSchema);
  }

  /** Counts an attempt before it runs: if it kills the process, it has been counted. */
  async beginAttempt(tenantId: string, key: string): Promise<void> {
    await this.pending(tenantId).updateOne({ _id: key }, { $inc: { attempts: 1 } });
  }

  async recordFailure(tenantId: string, key: string, reason: string): Promise<void> {
    await this.pending(tenantId).updateOne({ _id: key }, { $set: { lastError: reason } });
  }

  /**
   * Records a failure that was not the item's doing (a dependency away) without spending its
   * attempt (counted before it ran, so never below zero). One item is processed by one worker at a
   * time, so the decrement races with nothing; the filter is the bare `_id` the local database
   * looks up without a scan.
   */
  async giveBackAttempt(tenantId: string, key: string, reason: string): Promise<void> {
    await this.pending(tenantId).updateOne({ _id: key }, { $inc: { attempts: -1 }, $set: { lastError: reason } });
  }

  /** Whether the item came in less than `ms` ago (its mark is read by `_id`; a failure is read elsewhere). */
  async receivedWithin(tenantId: string, key: string, ms: number): Promise<boolean> {
    const mark = await this.pending(tenantId).findById(key, { receivedAt: 1 }).lean();
    return !mark || Date.now() - mark.receivedAt.getTime() < ms;
  }

  /**
   * Parks an item: listed for the platform first, then marked parked in its tenant, so that a
   * crash between the two leaves it unparked (the sweep parks it again), never parked unlisted.
   */
  async park(tenantId: string, item: WebhookItem, attempts: number, reason: string): Promise<void> {
    const mark = await this.pending(tenantId).findById(item.key, { receivedAt: 1 }).lean();
    const now = new Date();
    const doc: DeadLetterDoc = {
      _id: deadLetterIdOf(tenantId, item.key),
      tenantId,
      key: item.key,
      kind: item.kind,
      reason: reason.slice(0, 1000),
      attempts,
      payloadBytes: Buffer.byteLength(JSON.stringify(item)),
      firstSeenAt: mark?.receivedAt ?? now,
      parkedAt: now,
    };
    await this.deadLetters.create(doc).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    await this.pending(tenantId).updateOne({ _id: item.key }, { $set: { parkedAt: now, lastError: doc.reason } });
  }

  async countDeadLetters(): Promise<number> {
    return this.deadLetters.countDocuments();
  }

  async listDeadLetters(limit: number): Promise<DeadLetterDoc[]> {
    return this.deadLetters.find().sort({ parkedAt: -1 }).limit(limit).lean();
  }

  async deadLetter(id: string): Promise<DeadLetterDoc | null> {
    return this.deadLetters.findById(id).lean();
  }

  async storedItem(tenantId: string, key: string): Promise<WebhookItem | null> {
    const doc = await this.events(tenantId).findById(key, { item: 1 }).lean();
    return doc ? (doc.item as WebhookItem) : null;
  }

  /**
   * Unparks an item with its first attempt of a new round counted (it is processed right after),
   * then takes it off the platform's list.
   */
  async unpark(tenantId: string, key: string): Promise<void> {
    await this.pending(tenantId).updateOne(
      { _id: key },
      { $set: { attempts: 1, parkedAt: null, lastError: null }, $setOnInsert: { receivedAt: new Date() } },
      { upsert: true },
    );
    await this.deadLetters.deleteOne({ _id: deadLetterIdOf(tenantId, key) });
  }

  /**
   * Gives an item up: its mark goes (the stored item stays until pruned, so that Meta redelivering
   * it is still recognised as a duplicate), then its entry on the platform's list.
   */
  async discard(tenantId: string, key: string): Promise<void> {
    await this.pending(tenantId).deleteOne({ _id: key });
    await this.deadLetters.deleteOne({ _id: deadLetterIdOf(tenantId, key) });
  }
}

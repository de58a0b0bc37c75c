import { Types, type Model } from 'mongoose';
import type { ConversationState, Queue } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { updateGuarded } from '../../platform/db/guarded.js';
import { keyedObjectId } from '../../platform/db/keyed-id.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { agentSettingsSchema, conversationSchema, type AgentSettingsDoc, type ConversationDoc } from './conversations.model.js';

/** What a committed transition writes into the read model (see ConversationsService.apply). */
export type Projection = Pick<ConversationDoc, 'state' | 'queue' | 'assigneeId' | 'topic' | 'lastInboundAt' | 'waitingSince' | 'reviewRequestedAt' | 'rev'> &
  Partial<Pick<ConversationDoc, 'lastMessageAt' | 'lastMessagePreview' | 'lastInboundWamid'>>;

export interface ListFilter {
  /** The queues whose conversations are listed (with those still with the bot); 'all' for everything. */
  queues: Queue[] | 'all';
  /** Their own conversations are listed to a viewer whatever the queue. */
  viewerId: string;
  state?: string;
  assigneeId?: string;
  limit: number;
}

/**
 * The conversations' read model and the agents' settings: every query and write of them, and the
 * shapes the local FerretDB asks for (a keyed `_id` per thread, guarded projections).
 */
export class ConversationsRepository {
  private readonly conversations: (tenantId: string) => Model<ConversationDoc>;
  private readonly settings: (tenantId: string) => Model<AgentSettingsDoc>;

  constructor(private readonly db: Database) {
    this.conversations = db.defineTenantModel('Conversation', conversationSchema);
    this.settings = db.defineTenantModel('AgentSettings', agentSettingsSchema);
  }

  /** The conversation of `id`, or null when there is none (or `id` is not an id at all). */
  async find(tenantId: string, id: string): Promise<ConversationDoc | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.conversations(tenantId).findById(id).lean();
  }

  async list(tenantId: string, filter: ListFilter): Promise<ConversationDoc[]> {
    const query: Record<string, unknown> = {};
    if (filter.state) query.state = filter.state;
    if (filter.assigneeId) query.assigneeId = filter.assigneeId;
    if (filter.queues !== 'all') query.$or = [{ queue: { $in: [...filter.queues, null] } }, { assigneeId: filter.viewerId }];
    return this.conversations(tenantId).find(query).sort({ lastMessageAt: -1 }).limit(filter.limit).lean();
  }

  /**
   * The conversation of a customer on a number, opened on their first message (race-safe).
   * `opened` says whether this call opened it.
   */
  async openThread(tenantId: string, customerId: string, phoneNumberId: string): Promise<{ doc: ConversationDoc; opened: boolean }> {
    const model = this.conversations(tenantId);
    // One conversation per customer and number, under the `_id` they give: found by a read by
    // `_id`, created by an insert that a second process loses. One opened before ids were
    // derived is found through the unique (customer, number) index refusing the insert.
    const _id = keyedObjectId('conversation', tenantId, customerId, phoneNumberId);
    const found = await model.findById(_id).lean();
    if (found) return { doc: found, opened: false };
    try {
      const created = await model.create({ _id, customerId, phoneNumberId, state: 'bot', unread: 0, rev: 0, createdAt: new Date() });
      return { doc: created.toObject(), opened: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const doc = (await model.findById(_id).lean()) ?? (await model.findOne({ customerId, phoneNumberId }).lean());
      if (!doc) throw error;
      return { doc, opened: false };
    }
  }

  /** Writes an actor's state into the read model; an older revision never overwrites a newer one. */
  async project(tenantId: string, id: string, projection: Projection, countUnread: boolean): Promise<void> {
    const update = { $set: projection, ...(countUnread ? { $inc: { unread: 1 } } : {}) };
    await updateGuarded(this.db, this.conversations(tenantId), new Types.ObjectId(id), { rev: { $lte: projection.rev } }, update);
  }

  async markRead(tenantId: string, id: Types.ObjectId): Promise<void> {
    await this.conversations(tenantId).updateOne({ _id: id }, { $set: { unread: 0 } });
  }

  /** What the list shows of the conversation's last message (an agent's send). */
  async touchLastMessage(tenantId: string, id: Types.ObjectId, at: Date, preview: string): Promise<void> {
    await this.conversations(tenantId).updateOne({ _id: id }, { $set: { lastMessageAt: at, lastMessagePreview: preview } });
  }

  /** Links the ticket or the quotation the bot opened for the conversation. */
  async link(tenantId: string, id: Types.ObjectId, record: { ticketId: string } | { quotationId: string }): Promise<void> {
    await this.conversations(tenantId).updateOne({ _id: id }, { $set: record });
  }

  /** Conversations waiting in a queue, longest wait first. */
  async waiting(tenantId: string, limit: number): Promise<ConversationDoc[]> {
    return this.conversations(tenantId).find({ state: 'queued' }).sort({ waitingSince: 1 }).limit(limit).lean();
  }

  /**
   * Conversations whose rating request went out before `askedBefore` and is still unanswered.
   * On MongoDB the `state` prefix of the queue index serves it; the local FerretDB reads the
   * collection, once per sweep and not per request.
   */
  async unansweredReviews(tenantId: string, askedBefore: Date, limit: number): Promise<ConversationDoc[]> {
    return this.conversations(tenantId).find({ state: 'awaitingReview', reviewRequestedAt: { $lte: askedBefore } }).limit(limit).lean();
  }

  /** How many conversations each agent holds now. */
  async loads(tenantId: string): Promise<Map<string, number>> {
    const assigned = await this.conversations(tenantId).find({ state: 'assigned' }, { assigneeId: 1 }).lean();
    const loads = new Map<string, number>();
    for (const c of assigned) if (c.assigneeId) loads.set(c.assigneeId, (loads.get(c.assigneeId) ?? 0) + 1);
    return loads;
  }

  /** The capacities agents were given, by agent id (those not in it have the default). */
  async capacities(tenantId: string): Promise<Map<string, number>> {
    const settings = await this.settings(tenantId).find().lean();
    return new Map(settings.map((s) => [s._id, s.capacity]));
  }

  async setCapacity(tenantId: string, agentId: string, capacity: number): Promise<void> {
    await this.settings(tenantId).updateOne({ _id: agentId }, { $set: { capacity } }, { upsert: true });
  }

  /** How many conversations are in each of `states`, in their order. */
  async countByState(tenantId: string, states: readonly ConversationState[]): Promise<number[]> {
    const conversations = this.conversations(tenantId);
    return Promise.all(states.map((state) => conversations.countDocuments({ state })));
  }

  /** How many conversations wait in a queue, and the one that has waited longest. */
  async queueWait(tenantId: string, queue: Queue): Promise<{ waiting: number; oldest: ConversationDoc | null }> {
    const conversations = this.conversations(tenantId);
    const waiting = await conversations.countDocuments({ state: 'queued', queue });
    const oldest = await conversations.findOne({ state: 'queued', queue }).sort({ waitingSince: 1 }).lean();
    return { waiting, oldest };
  }
}

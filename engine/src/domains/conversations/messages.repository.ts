import { Types, type Model, type UpdateQuery } from 'mongoose';
import type { MessageDirection } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { checkedFilter, inTurn, type Guard } from '../../platform/db/guarded.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { messageSchema, wamidRefSchema, type MessageDoc, type WamidRefDoc } from './conversations.model.js';

export type NewMessage = Omit<MessageDoc, '_id'>;

/** A change `MessagesRepository.change` makes of a message it has just read, or null for none. */
export type MessageChange = { guard: Guard; update: UpdateQuery<MessageDoc> } | null;

/**
 * Messages and the wamid index: every query and write of them. Each message has a unique `key`,
 * so storing an inbound twice or claiming a send twice is refused by the database itself.
 */
export class MessagesRepository {
  private readonly messages: (tenantId: string) => Model<MessageDoc>;
  private readonly wamidRefs: (tenantId: string) => Model<WamidRefDoc>;

  constructor(private readonly db: Database) {
    this.messages = db.defineTenantModel('Message', messageSchema);
    this.wamidRefs = db.defineTenantModel('WamidRef', wamidRefSchema);
  }

  /** A conversation's messages, oldest first. */
  async timeline(tenantId: string, conversationId: string, limit: number): Promise<MessageDoc[]> {
    return this.messages(tenantId).find({ conversationId }).sort({ at: 1 }).limit(limit).lean();
  }

  async insert(tenantId: string, message: NewMessage & { _id?: Types.ObjectId }): Promise<MessageDoc> {
    return (await this.messages(tenantId).create(message)).toObject();
  }

  /** An internal note: stored under `note:<its id>`, never sent to WhatsApp. */
  async insertNote(tenantId: string, conversationId: string, text: string, author: MessageDoc['author']): Promise<MessageDoc> {
    const _id = new Types.ObjectId();
    return this.insert(tenantId, {
      _id,
      conversationId,
      key: `note:${String(_id)}`,
      direction: 'note',
      type: 'note',
      text,
      at: new Date(),
      author,
      wamid: null,
      status: null,
      statusRank: 0,
      error: null,
      attemptedAt: null,
      payload: null,
    });
  }

  /** Stores a message under its key; null when one with that key is already stored. */
  async insertOnce(tenantId: string, message: NewMessage): Promise<MessageDoc | null> {
    try {
      return await this.insert(tenantId, message);
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  /** Claims a send by inserting its message; `fresh` is false when someone claimed its key first. */
  async claim(tenantId: string, message: NewMessage): Promise<{ doc: MessageDoc; fresh: boolean }> {
    try {
      return { doc: await this.insert(tenantId, message), fresh: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const doc = await this.messages(tenantId).findOne({ key: message.key }).lean();
      if (!doc) throw error;
      return { doc, fresh: false };
    }
  }

  /** Records what came of a send (its wamid, or why it failed). */
  async settle(tenantId: string, id: Types.ObjectId, update: Partial<MessageDoc>): Promise<void> {
    await this.messages(tenantId).updateOne({ _id: id }, { $set: update });
  }

  /**
   * Reads a message and applies the change `decide` makes of it, if any, guarded by what was read
   * (`inTurn`, `checkedFilter`): one read and one write. Returns the message as read, or null.
   */
  async change(tenantId: string, id: string, decide: (doc: MessageDoc) => MessageChange): Promise<MessageDoc | null> {
    const messages = this.messages(tenantId);
    const _id = new Types.ObjectId(id);
    return inTurn(this.db, messages, _id, async () => {
      const doc = await messages.findById(_id).lean();
      const change = doc ? decide(doc) : null;
      if (doc && change) await messages.updateOne(checkedFilter<MessageDoc>(this.db, doc._id, change.guard as never), change.update);
      return doc;
    });
  }

  /** The `_id` of the message stored under `key`, if any. */
  async idByKey(tenantId: string, key: string): Promise<string | null> {
    const found = await this.messages(tenantId).findOne({ key }, { _id: 1 }).lean();
    return found ? String(found._id) : null;
  }

  /** Remembers which message a wamid belongs to (idempotent). */
  async rememberWamid(tenantId: string, wamid: string, messageId: string): Promise<void> {
    try {
      await this.wamidRefs(tenantId).create({ _id: wamid, messageId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The `_id` of the message a wamid belongs to, if it was remembered. */
  async messageIdOf(tenantId: string, wamid: string): Promise<string | null> {
    const ref = await this.wamidRefs(tenantId).findById(wamid).lean();
    return ref?.messageId ?? null;
  }

  /** Sends attempted before `before` that neither their answer nor a status webhook settled. */
  async unconfirmedSends(tenantId: string, before: Date, limit: number): Promise<MessageDoc[]> {
    return this.messages(tenantId).find({ status: 'pending', wamid: null, attemptedAt: { $lt: before } }).limit(limit).lean();
  }

  /** Fails a send that is still unconfirmed (a status webhook settling it meanwhile wins). */
  async failUnconfirmed(tenantId: string, id: Types.ObjectId, error: NonNullable<MessageDoc['error']>): Promise<void> {
    await this.messages(tenantId).updateOne(checkedFilter<MessageDoc>(this.db, id, { wamid: null }), { $set: { status: 'failed', error } });
  }

  /** Messages in one direction since a moment (the monitoring screen's rates). */
  async countSince(tenantId: string, direction: MessageDirection, since: Date): Promise<number> {
    return this.messages(tenantId).countDocuments({ direction, at: { $gte: since } });
  }
}

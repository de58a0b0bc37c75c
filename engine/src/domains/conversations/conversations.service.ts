import { Types, type Model } from 'mongoose';
import { ROOMS, type ConversationDetail, type ConversationView, type MessageView, type Queue, type ServerToClientEvents } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { keyedObjectId } from '../../platform/db/keyed-id.js';
import { updateGuarded } from '../../platform/db/guarded.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { ActorHost } from '../../platform/actors/actor-host.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { describeInbound, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import { toSummary, type CustomersService } from '../customers/index.js';
import type { conversationMachine, BotVerdict, ConversationEvent } from './conversation.machine.js';
import { conversationSchema, messageSchema, type ConversationDoc, type MessageDoc } from './conversations.model.js';
import { toConversationView, toMessageView } from './conversation.views.js';
import { LruCache } from '../../platform/actors/lru-cache.js';
import type { BotDecisionLike, BotPort, MemberDirectory } from './ports.js';

type InboundItem = Extract<WebhookItem, { kind: 'message' }>;

export interface Recipient {
  phoneNumberId: string;
  customerId: string;
  waId: string | null;
  userId: string | null;
}

/** Conversations: inbound messages into actors, the inbox read model, and what agents see. */
export class ConversationsService {
  readonly conversations: (tenantId: string) => Model<ConversationDoc>;
  readonly messages: (tenantId: string) => Model<MessageDoc>;
  /**
   * Who a conversation talks to, through which number: fixed for the conversation's life, so kept
   * in memory; the bot's reply then needs no lookup at all.
   */
  private readonly recipients = new LruCache<string, Recipient>(10_000);
  private readonly threads = new LruCache<string, string>(10_000);
  private readonly placements = new LruCache<string, { queue: Queue | null; assigneeId: string | null; at: number }>(10_000);
  /** Called once the read model shows a conversation waiting in a queue (assignment listens). */
  onQueued: (tenantId: string) => void = () => undefined;

  constructor(
    private readonly db: Database,
    readonly host: ActorHost<typeof conversationMachine>,
    private readonly customers: CustomersService,
    private readonly bot: BotPort,
    private readonly members: MemberDirectory,
    private readonly realtime: RealtimeEmitter,
  ) {
    this.conversations = db.defineTenantModel('Conversation', conversationSchema);
    this.messages = db.defineTenantModel('Message', messageSchema);
  }

  /** Handles one stored inbound message; safe to run twice (by the sweeper or another process). */
  async handleInbound(tenantId: string, item: InboundItem): Promise<void> {
    const customer = await this.customers.ensureFromInbound(tenantId, item.contact);
    const conversationId = await this.ensureConversation(tenantId, String(customer._id), item.phoneNumberId);
    this.recipients.set(`${tenantId}/${conversationId}`, { phoneNumberId: item.phoneNumberId, customerId: String(customer._id), waId: customer.waId, userId: customer.userId });
    const at = new Date(Number(item.message.timestamp ?? Date.now() / 1000) * 1000);
    const described = describeInbound(item.message);
    const stored = await this.storeInbound(tenantId, conversationId, item, described.text, at, customer.name);
    // Agents see the message as soon as it is stored, before the bot has thought about it.
    if (stored) await this.emit(tenantId, conversationId, 'message:created', toMessageView(stored));
    const verdict = await this.verdictFor(tenantId, item.message.type, described, at);
    const event: ConversationEvent = { type: 'INBOUND', messageId: item.message.id, at: at.getTime(), bot: verdict.bot, outOfHours: verdict.outOfHours };
    const result = await this.host.send(tenantId, conversationId, event, `in:${item.message.id}`);
    await this.project(tenantId, conversationId, result.rev, result.snapshot.value as string, result.snapshot.context, {
      ...(stored ? { lastMessageAt: at, lastMessagePreview: described.text.slice(0, 120), lastInboundWamid: item.message.id } : {}),
      ...(stored && !result.duplicate ? { $incUnread: true } : {}),
    });
  }

  /** Applies an event to the conversation actor and refreshes the read model. */
  async apply(tenantId: string, conversationId: string, event: ConversationEvent, eventId: string): Promise<ConversationView> {
    const result = await this.host.send(tenantId, conversationId, event, eventId);
    return this.project(tenantId, conversationId, result.rev, result.snapshot.value as string, result.snapshot.context, {});
  }

  /**
   * Conversations a viewer may see: those of their queues, those still with the bot (no queue
   * yet) and those assigned to them; `queues: 'all'` for managers and admins.
   */
  async list(tenantId: string, filter: { queues: Queue[] | 'all'; viewerId: string; state?: string; assigneeId?: string; limit: number }): Promise<ConversationView[]> {
    const query: Record<string, unknown> = {};
    if (filter.state) query.state = filter.state;
    if (filter.assigneeId) query.assigneeId = filter.assigneeId;
    if (filter.queues !== 'all') query.$or = [{ queue: { $in: [...filter.queues, null] } }, { assigneeId: filter.viewerId }];
    const docs = await this.conversations(tenantId).find(query).sort({ lastMessageAt: -1 }).limit(filter.limit).lean();
    return Promise.all(docs.map((doc) => this.view(tenantId, doc)));
  }

  async detail(tenantId: string, conversationId: string): Promise<ConversationDetail> {
    const doc = await this.find(tenantId, conversationId);
    const messages = await this.messages(tenantId).find({ conversationId }).sort({ at: 1 }).limit(500).lean();
    return { conversation: await this.view(tenantId, doc), messages: messages.map(toMessageView) };
  }

  async find(tenantId: string, conversationId: string): Promise<ConversationDoc> {
    if (!Types.ObjectId.isValid(conversationId)) throw AppError.notFound('Conversation');
    const doc = await this.conversations(tenantId).findById(conversationId).lean();
    if (!doc) throw AppError.notFound('Conversation');
    return doc;
  }

  async view(tenantId: string, doc: ConversationDoc): Promise<ConversationView> {
    const customer = await this.customers.get(tenantId, doc.customerId);
    const assigneeName = doc.assigneeId ? await this.members.nameOf(tenantId, doc.assigneeId) : null;
    const summary = customer ? toSummary(customer) : { id: doc.customerId, name: null, phone: null, waId: null, marketingConsent: 'unknown' as const };
    return toConversationView(doc, summary, assigneeName);
  }

  async addNote(tenantId: string, conversationId: string, text: string, author: { id: string; name: string }): Promise<MessageView> {
    await this.find(tenantId, conversationId);
    const id = new Types.ObjectId();
    const doc = await this.messages(tenantId).create({
      _id: id,
      conversationId,
      key: `note:${String(id)}`,
      direction: 'note',
      type: 'note',
      text,
      at: new Date(),
      author: { kind: 'agent', id: author.id, name: author.name },
      wamid: null,
      status: null,
      statusRank: 0,
      error: null,
      attemptedAt: null,
      payload: null,
    });
    const view = toMessageView(doc.toObject());
    await this.emit(tenantId, conversationId, 'message:created', view);
    return view;
  }

  async markRead(tenantId: string, conversationId: string): Promise<ConversationDoc> {
    const doc = await this.find(tenantId, conversationId);
    await this.conversations(tenantId).updateOne({ _id: doc._id }, { $set: { unread: 0 } });
    await this.broadcast(tenantId, conversationId);
    return doc;
  }

  async broadcast(tenantId: string, conversationId: string): Promise<ConversationView> {
    const doc = await this.find(tenantId, conversationId);
    this.placements.set(`${tenantId}/${conversationId}`, { queue: doc.queue, assigneeId: doc.assigneeId, at: Date.now() });
    const view = await this.view(tenantId, doc);
    this.realtime.toRooms(audienceOf(tenantId, doc), 'conversation:updated', view);
    return view;
  }

  private async verdictFor(tenantId: string, type: string, described: ReturnType<typeof describeInbound>, at: Date): Promise<{ bot: BotVerdict; outOfHours: boolean }> {
    if (['reaction', 'system', 'unsupported', 'request_welcome'].includes(type)) return { bot: { kind: 'none' }, outOfHours: false };
    const review = /^review:([1-5])$/.exec(described.replyId ?? '') ?? /^\s*([1-5])\s*$/.exec(described.text);
    if (review?.[1]) return { bot: { kind: 'review', score: Number(review[1]) }, outOfHours: false };
    const decision = await this.bot.classify(tenantId, {
      ...(type === 'text' ? { text: described.text } : {}),
      ...(described.buttonText ? { buttonText: described.buttonText } : {}),
      ...(described.replyId ? { replyId: described.replyId } : {}),
      at,
    });
    return { bot: toVerdict(decision), outOfHours: decision.outOfHours };
  }

  /**
   * Sends a conversation's event only to who may see it: its queue's room (its agents, managers
   * and admins), its assignee, or, while the bot has it, everyone who reads conversations.
   */
  async emit<E extends 'message:created' | 'message:status-changed'>(tenantId: string, conversationId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): Promise<void> {
    const key = `${tenantId}/${conversationId}`;
    let placement = this.placements.get(key);
    if (!placement || Date.now() - placement.at > 2000) {
      const doc = await this.conversations(tenantId).findById(conversationId).lean();
      if (!doc) return;
      placement = { queue: doc.queue, assigneeId: doc.assigneeId, at: Date.now() };
      this.placements.set(key, placement);
    }
    this.realtime.toRooms(audienceOf(tenantId, placement), event, ...payload);
  }

  /** The recipient of a conversation's messages (cached: it never changes). */
  async recipient(tenantId: string, conversationId: string): Promise<Recipient | null> {
    const key = `${tenantId}/${conversationId}`;
    const cached = this.recipients.get(key);
    if (cached) return cached;
    const doc = await this.find(tenantId, conversationId);
    const customer = await this.customers.get(tenantId, doc.customerId);
    if (!customer) return null;
    const recipient = { phoneNumberId: doc.phoneNumberId, customerId: doc.customerId, waId: customer.waId, userId: customer.userId };
    this.recipients.set(key, recipient);
    return recipient;
  }

  /** The conversation id of a customer on a number; created on the first message (race-safe). */
  private async ensureConversation(tenantId: string, customerId: string, phoneNumberId: string): Promise<string> {
    const key = `${tenantId}/${customerId}/${phoneNumberId}`;
    const cached = this.threads.get(key);
    if (cached) return cached;
    const model = this.conversations(tenantId);
    // One conversation per customer and number, under the `_id` they give: found by a read by
    // `_id`, created by an insert that a second process loses. One opened before ids were
    // derived is found through the unique (customer, number) index refusing the insert.
    const _id = keyedObjectId('conversation', tenantId, customerId, phoneNumberId);
    let doc = await model.findById(_id).lean();
    if (!doc) {
      try {
        doc = (await model.create({ _id, customerId, phoneNumberId, state: 'bot', unread: 0, rev: 0, createdAt: new Date() })).toObject();
        this.placements.set(`${tenantId}/${String(doc._id)}`, { queue: doc.queue, assigneeId: doc.assigneeId, at: Date.now() });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        doc = (await model.findById(_id).lean()) ?? (await model.findOne({ customerId, phoneNumberId }).lean());
        if (!doc) throw error;
      }
    }
    this.threads.set(key, String(doc._id));
    return String(doc._id);
  }

  /** Returns the stored message when this call stored it, null when it was already there. */
  private async storeInbound(tenantId: string, conversationId: string, item: InboundItem, text: string, at: Date, name: string | null): Promise<MessageDoc | null> {
    try {
      const doc = await this.messages(tenantId).create({
        conversationId,
        key: `in:${item.message.id}`,
        direction: 'inbound',
        type: item.message.type,
        text,
        at,
        author: { kind: 'customer', id: null, name },
        wamid: item.message.id,
        status: null,
        statusRank: 0,
        error: null,
        attemptedAt: null,
        payload: item.message,
      });
      return doc.toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  /** Writes the actor's state into the read model; an older revision never overwrites a newer one. */
  private async project(
    tenantId: string,
    conversationId: string,
    rev: number,
    state: string,
    context: { queue: Queue | null; assigneeId: string | null; lastInboundAt: number | null; waitingSince: number | null; topic: ConversationDoc['topic'] },
    extra: Partial<ConversationDoc> & { $incUnread?: boolean },
  ): Promise<ConversationView> {
    const { $incUnread, ...fields } = extra;
    const set: Partial<ConversationDoc> = {
      ...fields,
      state: (state === 'reopening' ? 'bot' : state) as ConversationDoc['state'],
      queue: context.queue,
      assigneeId: context.assigneeId,
      topic: context.topic,
      lastInboundAt: context.lastInboundAt === null ? null : new Date(context.lastInboundAt),
      waitingSince: state === 'queued' && context.waitingSince !== null ? new Date(context.waitingSince) : null,
      rev,
    };
    await updateGuarded(this.db, this.conversations(tenantId), new Types.ObjectId(conversationId), { rev: { $lte: rev } }, { $set: set, ...($incUnread ? { $inc: { unread: 1 } } : {}) });
    // Assignment reads the read model, so it runs after this write, not from the machine's effect.
    if (set.state === 'queued') this.onQueued(tenantId);
    return this.broadcast(tenantId, conversationId);
  }
}

function audienceOf(tenantId: string, placement: { queue: Queue | null; assigneeId: string | null }): string[] {
  const rooms = placement.queue ? [ROOMS.queue(tenantId, placement.queue)] : [ROOMS.readers(tenantId, 'Conversation')];
  if (placement.assigneeId) rooms.push(ROOMS.user(placement.assigneeId));
  return rooms;
}

function toVerdict(decision: BotDecisionLike): BotVerdict {
  if (decision.kind === 'match' && decision.lookup) {
    const { id, kind, name, reply, price, queue } = decision.lookup;
    return { kind: 'match', lookup: { id, kind, name, reply, price, queue } };
  }
  if (decision.kind === 'match') return { kind: 'unknown' };
  return { kind: decision.kind };
}

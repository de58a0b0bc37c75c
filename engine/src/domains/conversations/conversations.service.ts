import type { ConversationDetail, ConversationView, MessageView } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { ActorHost } from '../../platform/actors/actor-host.js';
import { LruCache } from '../../platform/actors/lru-cache.js';
import { toSummary } from '../customers/index.js';
import type { conversationMachine, ConversationContext, ConversationEvent } from './conversation.machine.js';
import type { ConversationDoc } from './conversations.model.js';
import type { ConversationsRepository, ListFilter, Projection } from './conversations.repository.js';
import type { MessagesRepository } from './messages.repository.js';
import type { ConversationAudience } from './conversation.audience.js';
import { toConversationView, toMessageView } from './conversation.views.js';
import type { CustomersPort, MemberDirectory } from './ports.js';

export interface Recipient {
  phoneNumberId: string;
  customerId: string;
  waId: string | null;
  userId: string | null;
}

/** The inbound message an event stored: the list shows it, and it counts as unread once. */
export interface StoredInbound {
  at: Date;
  preview: string;
  wamid: string;
}

/** Conversations: events into their actors, the inbox read model, and what agents see. */
export class ConversationsService {
  /**
   * Who a conversation talks to, through which number: fixed for the conversation's life, so kept
   * in memory; the bot's reply then needs no lookup at all.
   */
  private readonly recipients = new LruCache<string, Recipient>(10_000);

  constructor(
    private readonly repository: ConversationsRepository,
    private readonly messages: MessagesRepository,
    readonly host: ActorHost<typeof conversationMachine>,
    private readonly customers: CustomersPort,
    private readonly members: MemberDirectory,
    private readonly audience: ConversationAudience,
  ) {}

  /** Applies an event to the conversation actor and refreshes the read model. */
  async apply(tenantId: string, conversationId: string, event: ConversationEvent, eventId: string, inbound?: StoredInbound): Promise<ConversationView> {
    const result = await this.host.send(tenantId, conversationId, event, eventId);
    const state = result.snapshot.value as string;
    const context: ConversationContext = result.snapshot.context;
    const projection: Projection = {
      ...(inbound ? { lastMessageAt: inbound.at, lastMessagePreview: inbound.preview, lastInboundWamid: inbound.wamid } : {}),
      state: (state === 'reopening' ? 'bot' : state) as ConversationDoc['state'],
      queue: context.queue,
      assigneeId: context.assigneeId,
      topic: context.topic,
      lastInboundAt: context.lastInboundAt === null ? null : new Date(context.lastInboundAt),
      waitingSince: state === 'queued' && context.waitingSince !== null ? new Date(context.waitingSince) : null,
      reviewRequestedAt: state === 'awaitingReview' && typeof context.reviewRequestedAt === 'number' ? new Date(context.reviewRequestedAt) : null,
      rev: result.rev,
    };
    await this.repository.project(tenantId, conversationId, projection, inbound !== undefined && !result.duplicate);
    return this.broadcast(tenantId, conversationId);
  }

  /**
   * Closes the conversations whose customer was asked for a rating `timeoutMs` ago or more and
   * has not given one. Run by the periodic sweep, so the timer survives restarts; safe to run twice
   * (the event id names the request's revision) and from several processes.
   */
  async closeUnansweredReviews(tenantId: string, timeoutMs: number): Promise<number> {
    const unanswered = await this.repository.unansweredReviews(tenantId, new Date(Date.now() - timeoutMs), 200);
    for (const doc of unanswered) {
      const id = String(doc._id);
      await this.apply(tenantId, id, { type: 'CLOSE', reason: 'review_timeout' }, `review-timeout:${id}:${doc.rev}`);
    }
    return unanswered.length;
  }

  /**
   * Conversations a viewer may see: those of their queues, those still with the bot (no queue
   * yet) and those assigned to them; `queues: 'all'` for managers and admins.
   */
  async list(tenantId: string, filter: ListFilter): Promise<ConversationView[]> {
    const docs = await this.repository.list(tenantId, filter);
    return Promise.all(docs.map((doc) => this.view(tenantId, doc)));
  }

  async detail(tenantId: string, conversationId: string): Promise<ConversationDetail> {
    const doc = await this.find(tenantId, conversationId);
    const messages = await this.messages.timeline(tenantId, conversationId, 500);
    return { conversation: await this.view(tenantId, doc), messages: messages.map(toMessageView) };
  }

  async find(tenantId: string, conversationId: string): Promise<ConversationDoc> {
    const doc = await this.repository.find(tenantId, conversationId);
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
    const doc = await this.messages.insertNote(tenantId, conversationId, text, { kind: 'agent', id: author.id, name: author.name });
    const view = toMessageView(doc);
    await this.audience.emit(tenantId, conversationId, 'message:created', view);
    return view;
  }

  async markRead(tenantId: string, conversationId: string): Promise<ConversationDoc> {
    const doc = await this.find(tenantId, conversationId);
    await this.repository.markRead(tenantId, doc._id);
    await this.broadcast(tenantId, conversationId);
    return doc;
  }

  /** An agent sent a message: the list shows it as the conversation's last. */
  async touchLastMessage(tenantId: string, doc: ConversationDoc, preview: string): Promise<void> {
    await this.repository.touchLastMessage(tenantId, doc._id, new Date(), preview);
  }

  /** Links the ticket or quotation the bot opened for the conversation. */
  async link(tenantId: string, doc: ConversationDoc, record: { ticketId: string } | { quotationId: string }): Promise<void> {
    await this.repository.link(tenantId, doc._id, record);
  }

  async broadcast(tenantId: string, conversationId: string): Promise<ConversationView> {
    const doc = await this.find(tenantId, conversationId);
    const view = await this.view(tenantId, doc);
    this.audience.updated(tenantId, doc, view);
    return view;
  }

  /** Remembers who a conversation talks to, as an inbound message has just shown. */
  rememberRecipient(tenantId: string, conversationId: string, recipient: Recipient): void {
    this.recipients.set(`${tenantId}/${conversationId}`, recipient);
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
}

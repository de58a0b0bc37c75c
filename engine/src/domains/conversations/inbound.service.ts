import { LruCache } from '../../platform/actors/lru-cache.js';
import { describeInbound, type WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { AssignmentService } from './assignment.service.js';
import type { ConversationAudience } from './conversation.audience.js';
import type { BotVerdict, ConversationEvent } from './conversation.machine.js';
import type { ConversationsRepository } from './conversations.repository.js';
import type { ConversationsService } from './conversations.service.js';
import { toMessageView } from './conversation.views.js';
import type { MessagesRepository } from './messages.repository.js';
import type { BotDecisionLike, BotPort, CustomersPort } from './ports.js';

type InboundItem = Extract<WebhookItem, { kind: 'message' }>;

/** A customer's message into their conversation: stored, shown, judged by the bot, applied. */
export class InboundService {
  private readonly threads = new LruCache<string, string>(10_000);

  constructor(
    private readonly deps: {
      repository: ConversationsRepository;
      messages: MessagesRepository;
      conversations: ConversationsService;
      audience: ConversationAudience;
      assignment: AssignmentService;
      customers: CustomersPort;
      bot: BotPort;
    },
  ) {}

  /** Handles one stored inbound message; safe to run twice (by the sweeper or another process). */
  async handle(tenantId: string, item: InboundItem): Promise<void> {
    const { conversations, audience } = this.deps;
    const customer = await this.deps.customers.ensureFromInbound(tenantId, item.contact);
    const conversationId = await this.ensureConversation(tenantId, String(customer._id), item.phoneNumberId);
    conversations.rememberRecipient(tenantId, conversationId, { phoneNumberId: item.phoneNumberId, customerId: String(customer._id), waId: customer.waId, userId: customer.userId });
    const at = new Date(Number(item.message.timestamp ?? Date.now() / 1000) * 1000);
    const described = describeInbound(item.message);
    const stored = await this.store(tenantId, conversationId, item, described.text, at, customer.name);
    // Agents see the message as soon as it is stored, before the bot has thought about it.
    if (stored) await audience.emit(tenantId, conversationId, 'message:created', toMessageView(stored));
    const verdict = await this.verdictFor(tenantId, item.message.type, described, at);
    const event: ConversationEvent = { type: 'INBOUND', messageId: item.message.id, at: at.getTime(), bot: verdict.bot, outOfHours: verdict.outOfHours };
    const inbound = stored ? { at, preview: described.text.slice(0, 120), wamid: item.message.id } : undefined;
    const view = await conversations.apply(tenantId, conversationId, event, `in:${item.message.id}`, inbound);
    // Assignment reads the read model, so it runs after the write above, not from the machine's effect.
    if (view.state === 'queued') this.deps.assignment.later(tenantId);
  }

  /** The conversation id of a customer on a number; created on the first message (race-safe). */
  private async ensureConversation(tenantId: string, customerId: string, phoneNumberId: string): Promise<string> {
    const key = `${tenantId}/${customerId}/${phoneNumberId}`;
    const cached = this.threads.get(key);
    if (cached) return cached;
    const { doc, opened } = await this.deps.repository.openThread(tenantId, customerId, phoneNumberId);
    if (opened) this.deps.audience.place(tenantId, String(doc._id), doc);
    this.threads.set(key, String(doc._id));
    return String(doc._id);
  }

  /** Returns the stored message when this call stored it, null when it was already there. */
  private store(tenantId: string, conversationId: string, item: InboundItem, text: string, at: Date, name: string | null) {
    return this.deps.messages.insertOnce(tenantId, {
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
  }

  private async verdictFor(tenantId: string, type: string, described: ReturnType<typeof describeInbound>, at: Date): Promise<{ bot: BotVerdict; outOfHours: boolean }> {
    if (['reaction', 'system', 'unsupported', 'request_welcome'].includes(type)) return { bot: { kind: 'none' }, outOfHours: false };
    const review = /^review:([1-5])$/.exec(described.replyId ?? '') ?? /^\s*([1-5])\s*$/.exec(described.text);
    if (review?.[1]) return { bot: { kind: 'review', score: Number(review[1]) }, outOfHours: false };
    const decision = await this.deps.bot.classify(tenantId, {
      ...(type === 'text' ? { text: described.text } : {}),
      ...(described.buttonText ? { buttonText: described.buttonText } : {}),
      ...(described.replyId ? { replyId: described.replyId } : {}),
      at,
    });
    return { bot: toVerdict(decision), outOfHours: decision.outOfHours };
  }
}

function toVerdict(decision: BotDecisionLike): BotVerdict {
  if (decision.kind === 'match' && decision.lookup) {
    const { id, kind, name, reply, price, queue } = decision.lookup;
    return { kind: 'match', lookup: { id, kind, name, reply, price, queue } };
  }
  if (decision.kind === 'match') return { kind: 'unknown' };
  return { kind: decision.kind };
}

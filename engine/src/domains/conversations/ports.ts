import type { ConsentState, Queue, SendTemplateBody, TemplateView } from '@parley/common';
import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { OpenChannel } from '../channels/index.js';
import type { ConsentSource, CustomerDoc, InboundIdentity } from '../customers/index.js';

/** What the conversation domain needs of the bot domain (wired at composition). */
export interface BotDecisionLike {
  outOfHours: boolean;
  kind: 'optOut' | 'optIn' | 'greeting' | 'match' | 'unknown' | 'human';
  lookup?: { id: string; kind: 'services' | 'products' | 'issues'; name: string; reply: string; description: string; price: number | null; queue: Queue | null };
}

export interface BotPort {
  classify(tenantId: string, input: { text?: string; buttonText?: string; replyId?: string; at: Date }): Promise<BotDecisionLike>;
  menu(tenantId: string): Promise<Record<string, unknown>>;
  settings(tenantId: string): Promise<{ clarify: string; handoff: string; outOfHoursReply: string; optOutConfirmation: string; optInConfirmation: string }>;
}

/** Minimal records opened by the bot; their full management belongs to their own domains. */
export interface CaseRecordsPort {
  openTicket(tenantId: string, input: { key: string; conversationId: string; customerId: string; lookupId: string; category: string }): Promise<string>;
  openQuotation(tenantId: string, input: { key: string; conversationId: string; customerId: string; lookupId: string; product: string; price: number | null }): Promise<string>;
  recordReview(tenantId: string, input: { key: string; conversationId: string; customerId: string; score: number }): Promise<void>;
}

/** Whether a tenant may send now: a suspended tenant's messages are stored but not answered. */
export type TenantActive = (tenantId: string) => Promise<boolean>;

export interface MemberDirectory {
  /** Active members of the tenant with their roles and display names. */
  members(tenantId: string): Promise<{ id: string; name: string; roles: string[] }[]>;
  /** One member's display name (a primary-key lookup), or null when they are not a member. */
  nameOf(tenantId: string, userId: string): Promise<string | null>;
}

/** The customers a conversation talks to, and their marketing consent (STOP and START). */
export interface CustomersPort {
  ensureFromInbound(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc>;
  get(tenantId: string, customerId: string): Promise<CustomerDoc | null>;
  /** False when the consent already was in that state, so the bot confirms only once. */
  setMarketingConsent(tenantId: string, customerId: string, to: ConsentState, source: ConsentSource, evidence: Record<string, unknown>): Promise<boolean>;
}

/** The tenant's WhatsApp numbers, opened to send from. */
export interface ChannelsPort {
  ofTenant(tenantId: string, phoneNumberId: string): Promise<OpenChannel | null>;
}

/** Templates, for the inbox once the 24-hour window has closed. */
export interface TemplatesPort {
  /** Fetches the templates again from WhatsApp (also when it refuses one the local copy calls approved). */
  sync(tenantId: string): Promise<TemplateView[]>;
  buildSend(tenantId: string, request: SendTemplateBody): Promise<{ body: Record<string, unknown>; text: string; category: string }>;
}

/** Stored webhook items, handed over once each is durable: customers' messages and delivery statuses. */
export interface WebhookItemsPort {
  on<K extends 'message' | 'status'>(kind: K, handler: (tenantId: string, item: Extract<WebhookItem, { kind: K }>) => Promise<void>): void;
}

/** The other domains the conversation domain calls, handed in when it is built. */
export interface ConversationsPorts {
  channels: ChannelsPort;
  customers: CustomersPort;
  templates: TemplatesPort;
  webhooks: WebhookItemsPort;
  bot: BotPort;
  records: CaseRecordsPort;
  members: MemberDirectory;
  tenantActive: TenantActive;
}

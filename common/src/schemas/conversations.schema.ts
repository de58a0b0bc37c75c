import { z } from 'zod';
import { QUEUES, type Queue } from '../roles.js';
import { idSchema } from './common.schema.js';

export const CONVERSATION_STATES = ['bot', 'queued', 'assigned', 'resolved', 'awaitingReview', 'closed'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export const queueSchema = z.enum(QUEUES);

export type ConsentState = 'granted' | 'revoked' | 'unknown';

export interface CustomerSummary {
  id: string;
  name: string | null;
  /** E.164 with "+", or null for a username-only user without a phone number. */
  phone: string | null;
  waId: string | null;
  marketingConsent: ConsentState;
}

export interface ConversationView {
  id: string;
  customer: CustomerSummary;
  state: ConversationState;
  queue: Queue | null;
  assignee: { id: string; name: string } | null;
  /** What the bot understood the customer wants. */
  topic: { kind: 'services' | 'products' | 'issues'; name: string } | null;
  ticketId: string | null;
  quotationId: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  lastInboundAt: string | null;
  /** When free-form replies stop being allowed; null when the customer never wrote. */
  windowExpiresAt: string | null;
  /** Since when the conversation waits for a person (queued), for wait times. */
  waitingSince: string | null;
  unread: number;
}

export type MessageDirection = 'inbound' | 'outbound' | 'note';
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageView {
  id: string;
  conversationId: string;
  direction: MessageDirection;
  /** WhatsApp message type (text, template, interactive, image, ...), or `note`. */
  type: string;
  /** Human-readable text of the message, whatever its type. */
  text: string;
  at: string;
  author: { kind: 'customer' | 'bot' | 'agent' | 'system'; id: string | null; name: string | null };
  status: DeliveryStatus | null;
  error: { code: number; message: string } | null;
  wamid: string | null;
}

export interface ConversationDetail {
  conversation: ConversationView;
  messages: MessageView[];
}

export const conversationListQuerySchema = z
  .object({
    queue: queueSchema.optional(),
    state: z.enum(CONVERSATION_STATES).optional(),
    mine: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  })
  .strict();

export const sendTextBodySchema = z.object({ text: z.string().trim().min(1, 'write something').max(4096, 'at most 4096 characters') }).strict();
export const noteBodySchema = z.object({ text: z.string().trim().min(1, 'write something').max(4096) }).strict();

export const sendTemplateBodySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and _'),
    language: z.string().min(2).max(15),
    /** Body parameters in placeholder order (positional) or by name (named templates). */
    parameters: z.union([z.array(z.string().min(1).max(1024)).max(20), z.record(z.string().regex(/^[a-z_]{1,20}$/), z.string().min(1).max(1024))]).default([]),
  })
  .strict();
export type SendTemplateBody = z.infer<typeof sendTemplateBodySchema>;

export const assignBodySchema = z.object({ agentId: idSchema }).strict();
export const transferBodySchema = z
  .object({ queue: queueSchema.optional(), agentId: idSchema.optional() })
  .strict()
  .refine((body) => Boolean(body.queue) !== Boolean(body.agentId), 'give either a queue or an agent');

export type PresenceState = 'online' | 'away' | 'offline';

export interface AgentView {
  id: string;
  name: string;
  queues: Queue[];
  presence: PresenceState;
  load: number;
  capacity: number;
}

export const agentCapacityBodySchema = z.object({ capacity: z.number().int().min(0).max(50) }).strict();

export interface MonitoringView {
  at: string;
  queues: { queue: Queue; waiting: number; longestWaitSeconds: number }[];
  agents: AgentView[];
  byState: Record<ConversationState, number>;
  longestWait: { conversationId: string; queue: Queue; seconds: number } | null;
  /** Messages per minute over the last five minutes. */
  rates: { inboundPerMinute: number; outboundPerMinute: number };
}

export interface TemplateSummary {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  body: string;
  /** Parameter names (named) or count-sized list of "1".."n" (positional). */
  parameters: string[];
}

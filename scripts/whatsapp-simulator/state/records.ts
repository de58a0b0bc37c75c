import type { Json } from '../webhooks/payloads.js';

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

export interface StatusEntry {
  status: StatusName;
  /** Logical virtual time, the one written in the webhook's `timestamp`. */
  at: number;
  /** Virtual time the webhook was emitted; differs from `at` when chaos reorders statuses. */
  emittedAt: number;
  code: number | null;
}

export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
}

export interface ConversationRef {
  id: string;
  expiration_timestamp: string;
  origin: { type: string };
}

/** Every accepted send, with its full request body and the statuses emitted for it. */
export interface SendRecord {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  to: string | null;
  recipient: string | null;
  waId: string | null;
  userId: string;
  userKey: string;
  type: string;
  /** Pricing category: `service` for free-form, the template's category otherwise. */
  category: string;
  templateName: string | null;
  request: Json;
  bizOpaqueCallbackData: string | null;
  acceptedAt: number;
  pricing: Pricing;
  conversation: ConversationRef | null;
  plannedFailure: number | null;
  statuses: StatusEntry[];
}

/** Every injected inbound message, and whether the business marked it read. */
export interface InboundRecord {
  id: string;
  phoneNumberId: string;
  userKey: string;
  waId: string | null;
  userId: string;
  type: string;
  message: Json;
  receivedAt: number;
  readAt: number | null;
  typingIndicator: boolean;
}

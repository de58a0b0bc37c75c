import type { IdFactory } from '../core/ids.js';
import type { ConversationRef, Pricing } from '../state/records.js';
import type { Thread } from '../state/users.js';

export interface PricingInput {
  isTemplate: boolean;
  /** Lowercase template category, or `service` for free-form messages. */
  category: string;
  inWindow: boolean;
  inFreeEntry: boolean;
}

/**
 * Per-message pricing (§1.5, §6): free-form replies inside the window and utility templates inside
 * it are free customer service; everything inside a 72 h free entry point is free; other templates
 * are billed at their category.
 */
export function pricingFor(input: PricingInput): Pricing {
  if (input.inFreeEntry) {
    return { billable: false, pricing_model: 'PMP', type: 'free_entry_point', category: input.isTemplate ? input.category : 'service' };
  }
  if (!input.isTemplate) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  if (input.category === 'utility' && input.inWindow) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' };
  }
  return { billable: true, pricing_model: 'PMP', type: 'regular', category: input.category };
}

const DAY = 24 * 3_600_000;

/**
 * The conversation object is a leftover of conversation-based pricing: one id per (thread,
 * category) that lives 24 h from its first message.
 */
export function conversationFor(thread: Thread, pricing: Pricing, now: number, ids: IdFactory): ConversationRef {
  const origin = pricing.type === 'free_entry_point' ? 'referral_conversion' : pricing.category;
  let conversation = thread.conversations.get(origin);
  if (!conversation || conversation.expiresAt <= now) {
    conversation = { id: ids.conversationId(), expiresAt: now + DAY };
    thread.conversations.set(origin, conversation);
  }
  return { id: conversation.id, expiration_timestamp: String(Math.floor(conversation.expiresAt / 1000)), origin: { type: origin } };
}

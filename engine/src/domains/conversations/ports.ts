import type { Queue } from '@parley/common';

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

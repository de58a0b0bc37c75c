import type { SimContext } from '../state/context.js';
import type { BusinessNumber } from '../state/numbers.js';
import { portfolioOf } from '../state/numbers.js';
import { TIER_LIMITS } from '../state/settings.js';
import type { SimUser, Thread } from '../state/users.js';
import type { TemplateRecord } from '../templates/templates.store.js';
import type { PlannedFailure } from '../webhooks/status-timeline.js';
import { GraphError } from './errors.js';

const DAY = 24 * 3_600_000;

export interface WindowState {
  inWindow: boolean;
  inFreeEntry: boolean;
}

/** §4: each inbound message opens or resets a 24 h window; an ad entry opens a 72 h free one. */
export function windowOf(thread: Thread, now: number): WindowState {
  return {
    inWindow: thread.lastInboundAt !== null && now - thread.lastInboundAt < DAY,
    inFreeEntry: thread.freeEntryUntil !== null && now < thread.freeEntryUntil,
  };
}

/** Refusals that happen before a wamid is issued: blocked account, upgrade in progress. */
export function checkAvailability(number: BusinessNumber, now: number): void {
  const blocked = number.config.blockedCode;
  if (blocked === 368) throw new GraphError(368, 'The account is temporarily blocked for policy violations.');
  if (blocked === 131031) throw new GraphError(131031, 'The business account has been locked.');
  if (number.upgradingUntil !== null && now < number.upgradingUntil) {
    throw new GraphError(131057, 'Business account is in maintenance mode: the throughput upgrade is in progress.');
  }
}

/**
 * §7.2.6: unique users reached outside a window in a sliding 24 h, per portfolio, against the tier.
 * Users already reached in the period do not count again.
 */
function messagingLimitFailure(ctx: SimContext, number: BusinessNumber, user: SimUser, now: number): PlannedFailure | null {
  const portfolio = portfolioOf(number.config);
  const reached = ctx.reached.get(portfolio) ?? new Map<string, number>();
  ctx.reached.set(portfolio, reached);
  // Insertion order is reach order, so expired users sit at the front: stop at the first live one.
  for (const [key, at] of reached) {
    if (now - at < DAY) break;
    reached.delete(key);
  }
  if (reached.has(user.key)) return null;
  if (reached.size >= TIER_LIMITS[number.config.tier]) {
    const { mode, code } = ctx.settings.messagingLimit;
    const details = `The messaging limit (${number.config.tier}) of the business portfolio has been reached.`;
    if (mode === 'sync') throw new GraphError(code, details);
    return { code, details };
  }
  reached.set(user.key, now);
  return null;
}

function marketingFailure(ctx: SimContext, thread: Thread, user: SimUser, forcedCap: boolean): PlannedFailure | null {
  // The opt-out made in WhatsApp is enforced after acceptance, as a failed status (§5).
  if (thread.marketing === 'stop') return { code: 131050 };
  if (forcedCap || ctx.random.timeline.chance(ctx.chaos.marketingCapRate)) return { code: 131049 };
  if (ctx.settings.usMarketingBlock && user.waId?.startsWith('1')) {
    return { code: 131049, details: 'Marketing messages to US phone numbers are not delivered.' };
  }
  return null;
}

export interface PolicyInput {
  number: BusinessNumber;
  user: SimUser;
  thread: Thread;
  template: TemplateRecord | null;
  window: WindowState;
  forcedCap: boolean;
  now: number;
}

/** Decides whether the accepted send will fail, throwing instead when a mode asks for sync errors. */
export function policyFailure(ctx: SimContext, input: PolicyInput): PlannedFailure | null {
  const { number, user, thread, template, window, now } = input;
  const open = window.inWindow || window.inFreeEntry;
  if (!template) {
    if (open) return null;
    if (ctx.settings.windowMode === 'sync') throw new GraphError(131047, 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');
    return { code: 131047 };
  }
  if (!open && number.config.quality === 'RED') {
    throw new GraphError(131048, 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.');
  }
  const marketing = template.category === 'MARKETING' ? marketingFailure(ctx, thread, user, input.forcedCap) : null;
  if (marketing) return marketing;
  return open ? null : messagingLimitFailure(ctx, number, user, now);
}

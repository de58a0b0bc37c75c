import { assign, emit, raise, setup } from 'xstate';
import type { Queue } from '@parley/common';

/** What the bot made of an inbound message; computed before the event, so replays are stable. */
export type BotVerdict =
  /** Not something to answer (a reaction, a system notice): it only counts as customer activity. */
  | { kind: 'none' }
  | { kind: 'optOut' }
  | { kind: 'optIn' }
  | { kind: 'greeting' }
  | { kind: 'human' }
  | { kind: 'unknown' }
  | { kind: 'review'; score: number }
  | { kind: 'match'; lookup: { id: string; kind: 'services' | 'products' | 'issues'; name: string; reply: string; price: number | null; queue: Queue | null } };

export type ConversationEvent =
  | { type: 'INBOUND'; messageId: string; at: number; bot: BotVerdict; outOfHours: boolean }
  | { type: 'AGENT_REPLIED'; agentId: string; at: number }
  | { type: 'ASSIGN'; agentId: string }
  | { type: 'TRANSFER'; queue?: Queue; agentId?: string }
  | { type: 'UNASSIGN' }
  | { type: 'RESOLVE'; by: string }
  /** The rating request went out at `at` (epoch ms). */
  | { type: 'REVIEW_REQUESTED'; at: number }
  /** `review_timeout`: the customer did not rate within REVIEW_TIMEOUT_SECONDS (the sweep sends it). */
  | { type: 'CLOSE'; reason: 'review_timeout' | 'no_window' };

export interface ConversationContext {
  conversationId: string;
  queue: Queue | null;
  assigneeId: string | null;
  /** Epoch ms of the last inbound message: the 24-hour service window runs from here. */
  lastInboundAt: number | null;
  waitingSince: number | null;
  clarifications: number;
  topic: { kind: 'services' | 'products' | 'issues'; name: string } | null;
  /** Epoch ms the rating request went out; absent from snapshots saved before reviews timed out. */
  reviewRequestedAt?: number | null;
}

export type ConversationEffect =
  | { type: 'reply.text'; text: 'clarify' | 'handoff' | 'outOfHours' | 'optOut' | 'optIn' | 'thanks' | { custom: string }; messageId: string }
  | { type: 'reply.menu'; messageId: string }
  | { type: 'ticket.open'; lookupId: string; name: string; messageId: string }
  | { type: 'quotation.open'; lookupId: string; name: string; price: number | null; messageId: string }
  | { type: 'queue.assign'; queue: Queue }
  | { type: 'consent.change'; to: 'revoked' | 'granted'; messageId: string }
  | { type: 'review.request' }
  | { type: 'review.record'; score: number; messageId: string };

export const CONVERSATION_MACHINE_VERSION = 1;

type Inbound = Extract<ConversationEvent, { type: 'INBOUND' }>;
const inbound = (event: ConversationEvent): Inbound | null => (event.type === 'INBOUND' ? event : null);
const verdict = (event: ConversationEvent): BotVerdict | null => inbound(event)?.bot ?? null;
const matchOf = (event: ConversationEvent) => {
  const v = verdict(event);
  return v?.kind === 'match' ? v.lookup : null;
};

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as { conversationId: string },
    emitted: {} as ConversationEffect,
  },
  guards: {
    isConsentCommand: ({ event }) => ['optOut', 'optIn'].includes(verdict(event)?.kind ?? ''),
    isNone: ({ event }) => verdict(event)?.kind === 'none',
    isGreeting: ({ event }) => verdict(event)?.kind === 'greeting',
    isService: ({ event }) => matchOf(event)?.kind === 'services',
    isIssue: ({ event }) => matchOf(event)?.kind === 'issues',
    isProduct: ({ event }) => matchOf(event)?.kind === 'products',
    wantsHuman: ({ event }) => verdict(event)?.kind === 'human',
    mayClarify: ({ context }) => context.clarifications < 1,
    isReview: ({ event }) => verdict(event)?.kind === 'review',
    toQueue: ({ event }) => event.type === 'TRANSFER' && Boolean(event.queue),
    toAgent: ({ event }) => event.type === 'TRANSFER' && Boolean(event.agentId),
  },
  actions: {
    recordInbound: assign({ lastInboundAt: ({ event, context }) => inbound(event)?.at ?? context.lastInboundAt }),
    consent: emit(({ event }) => ({
      type: 'consent.change' as const,
      to: verdict(event)?.kind === 'optOut' ? ('revoked' as const) : ('granted' as const),
      messageId: inbound(event)?.messageId ?? '',
    })),
    menu: emit(({ event }) => ({ type: 'reply.menu' as const, messageId: inbound(event)?.messageId ?? '' })),
    answerService: emit(({ event }) => ({ type: 'reply.text' as const, text: { custom: matchOf(event)?.reply || matchOf(event)?.name || '' }, messageId: inbound(event)?.messageId ?? '' })),
    openTicket: emit(({ event }) => ({ type: 'ticket.open' as const, lookupId: matchOf(event)?.id ?? '', name: matchOf(event)?.name ?? '', messageId: inbound(event)?.messageId ?? '' })),
    openQuotation: emit(({ event }) => ({
      type: 'quotation.open' as const,
      lookupId: matchOf(event)?.id ?? '',
      name: matchOf(event)?.name ?? '',
      price: matchOf(event)?.price ?? null,
      messageId: inbound(event)?.messageId ?? '',
    })),
    handoffReply: emit(({ event }) => {
      const e = inbound(event);
      const custom = matchOf(event)?.reply;
      const text = e?.outOfHours ? ('outOfHours' as const) : custom ? { custom } : ('handoff' as const);
      return { type: 'reply.text' as const, text, messageId: e?.messageId ?? '' };
    }),
    clarify: emit(({ event }) => ({ type: 'reply.text' as const, text: 'clarify' as const, messageId: inbound(event)?.messageId ?? '' })),
    countClarification: assign({ clarifications: ({ context }) => context.clarifications + 1 }),
    setTopic: assign({ topic: ({ event, context }) => (matchOf(event) ? { kind: matchOf(event)?.kind ?? 'services', name: matchOf(event)?.name ?? '' } : context.topic) }),
    queueForMatch: assign({ queue: ({ event }) => matchOf(event)?.queue ?? (matchOf(event)?.kind === 'products' ? 'sales' : 'care') }),
    queueTransfer: assign({ queue: ({ event, context }) => (event.type === 'TRANSFER' && event.queue ? event.queue : context.queue) }),
    startWaiting: assign({ waitingSince: ({ context }) => context.waitingSince ?? context.lastInboundAt ?? null, assigneeId: null }),
    requestAssignment: emit(({ context }) => ({ type: 'queue.assign' as const, queue: context.queue ?? 'care' })),
    assignAgent: assign({
      assigneeId: ({ event, context }) => (event.type === 'ASSIGN' || event.type === 'TRANSFER' ? (event.agentId ?? context.assigneeId) : context.assigneeId),
      waitingSince: null,
    }),
    requestReview: emit({ type: 'review.request' as const }),
    recordReview: emit(({ event }) => ({ type: 'review.record' as const, score: verdict(event)?.kind === 'review' ? (verdict(event) as { score: number }).score : 0, messageId: inbound(event)?.messageId ?? '' })),
    thanks: emit(({ event }) => ({ type: 'reply.text' as const, text: 'thanks' as const, messageId: inbound(event)?.messageId ?? '' })),
    markReviewRequested: assign({ reviewRequestedAt: ({ event, context }) => (event.type === 'REVIEW_REQUESTED' ? event.at : (context.reviewRequestedAt ?? null)) }),
    reset: assign({ clarifications: 0, topic: null, assigneeId: null, waitingSince: null, reviewRequestedAt: null }),
    replay: raise(({ event }) => event),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => ({ conversationId: input.conversationId, queue: null, assigneeId: null, lastInboundAt: null, waitingSince: null, clarifications: 0, topic: null, reviewRequestedAt: null }),
  initial: 'bot',
  states: {
    bot: {
      on: {
        INBOUND: [
          { guard: 'isNone', actions: 'recordInbound' },
          { guard: 'isConsentCommand', actions: ['recordInbound', 'consent'] },
          { guard: 'isGreeting', actions: ['recordInbound', 'menu'] },
          { guard: 'isService', actions: ['recordInbound', 'setTopic', 'answerService'] },
          { guard: 'isIssue', target: 'queued', actions: ['recordInbound', 'setTopic', 'queueForMatch', 'openTicket', 'handoffReply'] },
          { guard: 'isProduct', target: 'queued', actions: ['recordInbound', 'setTopic', 'queueForMatch', 'openQuotation', 'handoffReply'] },
          { guard: 'wantsHuman', target: 'queued', actions: ['recordInbound', assign({ queue: 'care' }), 'handoffReply'] },
          { guard: 'mayClarify', actions: ['recordInbound', 'countClarification', 'clarify'] },
          { target: 'queued', actions: ['recordInbound', assign({ queue: 'care' }), 'handoffReply'] },
        ],
        ASSIGN: { target: 'assigned', actions: 'assignAgent' },
        TRANSFER: [
          { guard: 'toAgent', target: 'assigned', actions: ['queueTransfer', 'assignAgent'] },
          { guard: 'toQueue', target: 'queued', actions: 'queueTransfer' },
        ],
        RESOLVE: 'resolved',
      },
    },
    queued: {
      entry: ['startWaiting', 'requestAssignment'],
      on: {
        INBOUND: [{ guard: 'isConsentCommand', actions: ['recordInbound', 'consent'] }, { actions: 'recordInbound' }],
        ASSIGN: { target: 'assigned', actions: 'assignAgent' },
        TRANSFER: [
          { guard: 'toAgent', target: 'assigned', actions: ['queueTransfer', 'assignAgent'] },
          { guard: 'toQueue', target: 'queued', reenter: true, actions: 'queueTransfer' },
        ],
        RESOLVE: 'resolved',
      },
    },
    assigned: {
      on: {
        INBOUND: [{ guard: 'isConsentCommand', actions: ['recordInbound', 'consent'] }, { actions: 'recordInbound' }],
        AGENT_REPLIED: {},
        ASSIGN: { target: 'assigned', reenter: true, actions: 'assignAgent' },
        TRANSFER: [
          { guard: 'toAgent', target: 'assigned', reenter: true, actions: ['queueTransfer', 'assignAgent'] },
          { guard: 'toQueue', target: 'queued', actions: 'queueTransfer' },
        ],
        UNASSIGN: 'queued',
        RESOLVE: 'resolved',
      },
    },
    resolved: {
      entry: 'requestReview',
      on: {
        REVIEW_REQUESTED: { target: 'awaitingReview', actions: 'markReviewRequested' },
        CLOSE: 'closed',
        INBOUND: { target: 'reopening', actions: 'replay' },
      },
    },
    awaitingReview: {
      on: {
        INBOUND: [
          { guard: 'isReview', target: 'closed', actions: ['recordInbound', 'recordReview', 'thanks'] },
          { target: 'reopening', actions: 'replay' },
        ],
        CLOSE: 'closed',
      },
    },
    closed: {
      on: { INBOUND: { target: 'reopening', actions: 'replay' } },
    },
    /** A new message after the end: start over with the bot, which then handles that message. */
    reopening: {
      entry: 'reset',
      on: { INBOUND: { target: 'bot', actions: 'replay' } },
    },
  },
});

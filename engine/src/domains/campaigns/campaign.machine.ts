import { assign, emit, setup } from 'xstate';
import type { CampaignStatus, PauseReason } from '@parley/common';

export type CampaignEvent =
  /** `runAt` null or not after `at`: start at once. */
  | { type: 'LAUNCH'; at: number; runAt: number | null }
  | { type: 'START'; at: number }
  | { type: 'PAUSE'; reason: PauseReason; message: string; at: number }
  | { type: 'RESUME'; at: number }
  | { type: 'CANCEL'; at: number }
  | { type: 'COMPLETE'; at: number }
  | { type: 'FAIL'; message: string; at: number };

export interface CampaignContext {
  campaignId: string;
  pause: { reason: PauseReason; message: string; at: number } | null;
  failure: string | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export type CampaignEffect =
  /** The state changed: mirror it on the campaign document, tell readers, notify marketers. */
  | { type: 'campaign.changed'; status: CampaignStatus; pause: CampaignContext['pause']; failure: string | null; startedAt: number | null; finishedAt: number | null; at: number }
  /** Run the dispatch job at `at` (the schedule, or now). */
  | { type: 'campaign.arm'; at: number };

export const CAMPAIGN_MACHINE_VERSION = 1;

const at = (event: CampaignEvent): number => event.at;

/** DESIGN §5: draft → scheduled → running ⇄ paused → completed | cancelled | failed. */
export const campaignMachine = setup({
  types: {
    context: {} as CampaignContext,
    events: {} as CampaignEvent,
    input: {} as { campaignId: string },
    emitted: {} as CampaignEffect,
  },
  guards: {
    isLater: ({ event }) => event.type === 'LAUNCH' && event.runAt !== null && event.runAt > event.at,
  },
  actions: {
    markStarted: assign({ startedAt: ({ context, event }) => context.startedAt ?? at(event), pause: null }),
    markPaused: assign({ pause: ({ event }) => (event.type === 'PAUSE' ? { reason: event.reason, message: event.message, at: event.at } : null) }),
    markFinished: assign({ finishedAt: ({ event }) => at(event), pause: null }),
    markFailed: assign({ failure: ({ event }) => (event.type === 'FAIL' ? event.message : null), finishedAt: ({ event }) => at(event), pause: null }),
    changed: emit(({ context, event }, params: { status: CampaignStatus }) => ({
      type: 'campaign.changed' as const,
      status: params.status,
      pause: params.status === 'paused' ? context.pause : null,
      failure: context.failure,
      startedAt: context.startedAt,
      finishedAt: context.finishedAt,
      at: at(event),
    })),
    armNow: emit(({ event }) => ({ type: 'campaign.arm' as const, at: at(event) })),
    armAtSchedule: emit(({ event }) => ({ type: 'campaign.arm' as const, at: event.type === 'LAUNCH' && event.runAt !== null ? event.runAt : at(event) })),
  },
}).createMachine({
  id: 'campaign',
  context: ({ input }) => ({ campaignId: input.campaignId, pause: null, failure: null, startedAt: null, finishedAt: null }),
  initial: 'draft',
  states: {
    draft: {
      on: {
        LAUNCH: [
          { guard: 'isLater', target: 'scheduled', actions: ['armAtSchedule', { type: 'changed', params: { status: 'scheduled' } }] },
          { target: 'running', actions: ['markStarted', 'armNow', { type: 'changed', params: { status: 'running' } }] },
        ],
      },
    },
    scheduled: {
      on: {
        // Only the dispatch job sends START, and goes on to its batches: arming the job from inside
        // its own run would save it unlocked (Agenda's save clears lockedAt) and run it twice.
        START: { target: 'running', actions: ['markStarted', { type: 'changed', params: { status: 'running' } }] },
        CANCEL: { target: 'cancelled', actions: ['markFinished', { type: 'changed', params: { status: 'cancelled' } }] },
      },
    },
    running: {
      on: {
        PAUSE: { target: 'paused', actions: ['markPaused', { type: 'changed', params: { status: 'paused' } }] },
        CANCEL: { target: 'cancelled', actions: ['markFinished', { type: 'changed', params: { status: 'cancelled' } }] },
        COMPLETE: { target: 'completed', actions: ['markFinished', { type: 'changed', params: { status: 'completed' } }] },
        FAIL: { target: 'failed', actions: ['markFailed', { type: 'changed', params: { status: 'failed' } }] },
      },
    },
    paused: {
      on: {
        RESUME: { target: 'running', actions: ['markStarted', 'armNow', { type: 'changed', params: { status: 'running' } }] },
        CANCEL: { target: 'cancelled', actions: ['markFinished', { type: 'changed', params: { status: 'cancelled' } }] },
        FAIL: { target: 'failed', actions: ['markFailed', { type: 'changed', params: { status: 'failed' } }] },
      },
    },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
    failed: { type: 'final' },
  },
});

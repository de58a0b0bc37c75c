import { CONVERSATION_STATES, QUEUES, type ConversationState, type MonitoringView } from '@parley/common';
import type { AssignmentService } from './assignment.service.js';
import type { ConversationsRepository } from './conversations.repository.js';
import type { MessagesRepository } from './messages.repository.js';

const WINDOW_MS = 5 * 60 * 1000;

/** The supervisor's live picture: queues, agents and their load, states, waits and rates. */
export class MonitoringService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly assignment: AssignmentService,
  ) {}

  async snapshot(tenantId: string): Promise<MonitoringView> {
    const now = Date.now();
    const counts = await this.conversations.countByState(tenantId, CONVERSATION_STATES);
    const byState = Object.fromEntries(CONVERSATION_STATES.map((state, i) => [state, counts[i] ?? 0])) as Record<ConversationState, number>;
    const queues = await Promise.all(
      QUEUES.map(async (queue) => {
        const { waiting, oldest } = await this.conversations.queueWait(tenantId, queue);
        const longestWaitSeconds = oldest?.waitingSince ? Math.max(0, Math.round((now - oldest.waitingSince.getTime()) / 1000)) : 0;
        return { queue, waiting, longestWaitSeconds, oldestId: oldest ? String(oldest._id) : null };
      }),
    );
    const longest = [...queues].sort((a, b) => b.longestWaitSeconds - a.longestWaitSeconds)[0];
    const since = new Date(now - WINDOW_MS);
    const [inbound, outbound] = await Promise.all([this.messages.countSince(tenantId, 'inbound', since), this.messages.countSince(tenantId, 'outbound', since)]);
    return {
      at: new Date(now).toISOString(),
      queues: queues.map(({ queue, waiting, longestWaitSeconds }) => ({ queue, waiting, longestWaitSeconds })),
      agents: await this.assignment.agents(tenantId),
      byState,
      longestWait: longest?.oldestId ? { conversationId: longest.oldestId, queue: longest.queue, seconds: longest.longestWaitSeconds } : null,
      rates: { inboundPerMinute: round(inbound / 5), outboundPerMinute: round(outbound / 5) },
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ROOMS, type AgentView, type PresenceState, type Queue } from '@parley/common';
import type { Logger } from '../../platform/logger/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { ConversationsRepository } from './conversations.repository.js';
import type { ConversationsService } from './conversations.service.js';
import type { MemberDirectory } from './ports.js';

export const DEFAULT_CAPACITY = 5;
const QUEUE_ROLE: Record<Queue, string> = { care: 'care_agent', sales: 'sales_agent' };

/**
 * Queue-based assignment: a waiting conversation goes to the least-loaded online agent of its
 * queue with room under their capacity; when everyone is full or away it waits in the queue.
 * A Redis lock per tenant makes the count-then-assign step safe across engine processes.
 */
export class AssignmentService {
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly repository: ConversationsRepository,
    private readonly redis: Redis,
    private readonly conversations: ConversationsService,
    private readonly members: MemberDirectory,
    private readonly realtime: RealtimeEmitter,
    private readonly logger: Logger,
  ) {}

  /** Asks for a drain of the tenant's queues soon, outside the caller's actor transition. */
  later(tenantId: string): void {
    if (this.scheduled.has(tenantId)) return;
    this.scheduled.add(tenantId);
    setImmediate(() => {
      this.scheduled.delete(tenantId);
      this.drain(tenantId).catch((error: unknown) => this.logger.error({ err: error, tenantId }, 'assignment failed'));
    });
  }

  async drain(tenantId: string): Promise<number> {
    const lock = await this.acquire(tenantId);
    if (!lock) {
      // Another process is assigning for this tenant; it will see our conversations too.
      return 0;
    }
    try {
      let assigned = 0;
      const waiting = await this.repository.waiting(tenantId, 200);
      // Agents are read once per drain; loads are counted up here as conversations are handed out.
      const agents = waiting.length > 0 ? await this.agents(tenantId) : [];
      for (const conversation of waiting) {
        const agent = pick(agents, conversation.queue ?? 'care');
        if (!agent) continue;
        const id = String(conversation._id);
        await this.conversations.apply(tenantId, id, { type: 'ASSIGN', agentId: agent.id }, `auto-assign:${id}:${conversation.rev}`);
        agent.load++;
        this.realtime.toRooms([ROOMS.readers(tenantId, 'Conversation')], 'agent:updated', { ...agent });
        assigned++;
      }
      return assigned;
    } finally {
      await this.release(tenantId, lock);
    }
  }

  async agents(tenantId: string): Promise<AgentView[]> {
    const members = await this.members.members(tenantId);
    const presence = await this.redis.hgetall(`presence:${tenantId}`);
    const capacities = await this.repository.capacities(tenantId);
    const loads = await this.repository.loads(tenantId);
    return members
      .filter((m) => m.roles.includes('care_agent') || m.roles.includes('sales_agent'))
      .map((m) => ({
        id: m.id,
        name: m.name,
        queues: (Object.keys(QUEUE_ROLE) as Queue[]).filter((q) => m.roles.includes(QUEUE_ROLE[q])),
        presence: (presence[m.id] as PresenceState | undefined) ?? 'offline',
        load: loads.get(m.id) ?? 0,
        capacity: capacities.get(m.id) ?? DEFAULT_CAPACITY,
      }));
  }

  async setCapacity(tenantId: string, agentId: string, capacity: number): Promise<AgentView | null> {
    const agent = (await this.agents(tenantId)).find((a) => a.id === agentId);
    if (!agent) return null;
    await this.repository.setCapacity(tenantId, agentId, capacity);
    const updated = { ...agent, capacity };
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Conversation')], 'agent:updated', updated);
    this.later(tenantId);
    return updated;
  }

  async setPresence(tenantId: string, userId: string, presence: PresenceState): Promise<void> {
    await this.redis.hset(`presence:${tenantId}`, userId, presence);
    const agent = (await this.agents(tenantId)).find((a) => a.id === userId);
    if (agent) this.realtime.toRooms([ROOMS.readers(tenantId, 'Conversation')], 'agent:updated', agent);
    if (presence === 'online') this.later(tenantId);
  }

  private async acquire(tenantId: string): Promise<string | null> {
    const token = randomUUID();
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await this.redis.set(`assign-lock:${tenantId}`, token, 'PX', 10_000, 'NX')) return token;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  }

  private async release(tenantId: string, token: string): Promise<void> {
    // Delete only our own lock (compare-and-delete in one Lua step).
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, `assign-lock:${tenantId}`, token);
  }
}

/** The least-loaded online agent of the queue with room under their capacity, or nobody. */
function pick(agents: AgentView[], queue: Queue): AgentView | null {
  const candidates = agents.filter((a) => a.queues.includes(queue) && a.presence === 'online' && a.load < a.capacity);
  candidates.sort((a, b) => a.load / Math.max(a.capacity, 1) - b.load / Math.max(b.capacity, 1) || a.load - b.load);
  return candidates[0] ?? null;
}

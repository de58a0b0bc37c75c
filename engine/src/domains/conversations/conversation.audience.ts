import { ROOMS, type ConversationView, type Queue, type ServerToClientEvents } from '@parley/common';
import { LruCache } from '../../platform/actors/lru-cache.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { ConversationsRepository } from './conversations.repository.js';

export interface Placement {
  queue: Queue | null;
  assigneeId: string | null;
}

/**
 * Who may see a conversation's live events: its queue's room (its agents, managers and admins),
 * its assignee, or, while the bot has it, everyone who reads conversations. Every event of a
 * conversation goes to those rooms and no others, so an agent who loses sight of it (a transfer)
 * stops receiving it at once.
 */
export class ConversationAudience {
  private readonly placements = new LruCache<string, Placement & { at: number }>(10_000);

  constructor(
    private readonly repository: ConversationsRepository,
    private readonly realtime: RealtimeEmitter,
  ) {}

  /** Remembers where a conversation is now, as just read or written. */
  place(tenantId: string, conversationId: string, placement: Placement): void {
    this.placements.set(`${tenantId}/${conversationId}`, { queue: placement.queue, assigneeId: placement.assigneeId, at: Date.now() });
  }

  /** Sends the conversation as it is now to who may see it, at the placement it has now. */
  updated(tenantId: string, placement: Placement, view: ConversationView): void {
    this.place(tenantId, view.id, placement);
    this.realtime.toRooms(audienceOf(tenantId, placement), 'conversation:updated', view);
  }

  /** Sends one of the conversation's message events to who may see it (placement read at most every 2 s). */
  async emit<E extends 'message:created' | 'message:status-changed'>(tenantId: string, conversationId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): Promise<void> {
    const key = `${tenantId}/${conversationId}`;
    let placement = this.placements.get(key);
    if (!placement || Date.now() - placement.at > 2000) {
      const doc = await this.repository.find(tenantId, conversationId);
      if (!doc) return;
      placement = { queue: doc.queue, assigneeId: doc.assigneeId, at: Date.now() };
      this.placements.set(key, placement);
    }
    this.realtime.toRooms(audienceOf(tenantId, placement), event, ...payload);
  }
}

function audienceOf(tenantId: string, placement: Placement): string[] {
  const rooms = placement.queue ? [ROOMS.queue(tenantId, placement.queue)] : [ROOMS.readers(tenantId, 'Conversation')];
  if (placement.assigneeId) rooms.push(ROOMS.user(placement.assigneeId));
  return rooms;
}

import { ROOMS, type PresenceStatus } from '@parley/common';
import type { ParleySocket, SocketEventSpec } from '../../platform/realtime/socket-server.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AssignmentService } from './assignment.service.js';

const STATUSES: readonly PresenceStatus[] = ['online', 'away', 'offline'];

/**
 * Presence, authorised like reading conversations. There is nothing to join to follow one
 * conversation: its events go to its queue's room, its assignee and its readers (see
 * ConversationAudience), which every socket joins by its roles as it connects.
 */
export function inboxSocketEvents(assignment: AssignmentService): SocketEventSpec[] {
  const presence: SocketEventSpec<'presence:set'> = {
    event: 'presence:set',
    access: { action: 'read', subject: 'Conversation' },
    handler: async (socket, status, ack) => {
      const { auth } = socket.data;
      if (!auth.tenant || !STATUSES.includes(status)) {
        ack?.({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'status must be online, away or offline' } });
        return;
      }
      await assignment.setPresence(auth.tenant.id, auth.user.id, status);
      socket.to(ROOMS.readers(auth.tenant.id, 'Conversation')).emit('presence:changed', { userId: auth.user.id, status });
      ack?.({ ok: true });
    },
  };
  return [presence] as SocketEventSpec[];
}

/** When an agent's last connection on any process closes, they are offline: no new assignments. */
export function trackDisconnects(realtime: RealtimeEmitter, assignment: AssignmentService, logger: Logger): (socket: ParleySocket) => void {
  return (socket) => {
    socket.on('disconnect', () => {
      const { auth } = socket.data;
      if (!auth.tenant || !auth.ability.can('read', 'Conversation')) return;
      const tenantId = auth.tenant.id;
      realtime
        .hasListeners([ROOMS.user(auth.user.id)])
        .then((connected) => (connected ? undefined : assignment.setPresence(tenantId, auth.user.id, 'offline')))
        .catch((error: unknown) => logger.warn({ err: error }, 'presence update on disconnect failed'));
    });
  };
}

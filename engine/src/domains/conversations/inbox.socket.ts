import { ROOMS, type PresenceStatus } from '@parley/common';
import type { ParleySocket, SocketEventSpec } from '../../platform/realtime/socket-server.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AssignmentService } from './assignment.service.js';
import type { InboxService } from './inbox.service.js';

const STATUSES: readonly PresenceStatus[] = ['online', 'away', 'offline'];

/** Presence and following one conversation live; each event authorised like its HTTP twin. */
export function inboxSocketEvents(inbox: InboxService, assignment: AssignmentService): SocketEventSpec[] {
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
  const join: SocketEventSpec<'conversation:join'> = {
    event: 'conversation:join',
    access: { action: 'read', subject: 'Conversation' },
    handler: async (socket, conversationId, ack) => {
      const { auth } = socket.data;
      if (!auth.tenant || typeof conversationId !== 'string' || !/^[a-f0-9]{24}$/.test(conversationId)) {
        ack?.({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'conversationId must be an id' } });
        return;
      }
      try {
        await inbox.visible(auth.tenant.id, auth, conversationId);
      } catch {
        ack?.({ ok: false, error: { code: 'NOT_FOUND', message: 'Conversation was not found' } });
        return;
      }
      await socket.join(ROOMS.conversation(conversationId));
      ack?.({ ok: true });
    },
  };
  const leave: SocketEventSpec<'conversation:leave'> = {
    event: 'conversation:leave',
    access: { action: 'read', subject: 'Conversation' },
    handler: async (socket, conversationId, ack) => {
      if (typeof conversationId === 'string') await socket.leave(ROOMS.conversation(conversationId));
      ack?.({ ok: true });
    },
  };
  return [presence, join, leave] as SocketEventSpec[];
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

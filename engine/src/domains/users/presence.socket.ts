import type { Redis } from 'ioredis';
import { ROOMS, type PresenceStatus } from '@parley/common';
import type { SocketEventSpec } from '../../platform/realtime/socket-server.js';

const STATUSES: readonly PresenceStatus[] = ['online', 'away', 'offline'];

/** Agents say whether they take conversations; kept in Redis so every engine process agrees. */
export function presenceEvents(redis: Redis): SocketEventSpec<'presence:set'>[] {
  return [
    {
      event: 'presence:set',
      access: { action: 'read', subject: 'Conversation' },
      handler: async (socket, status, ack) => {
        const { auth } = socket.data;
        if (!auth.tenant || !STATUSES.includes(status)) {
          ack?.({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'status must be online, away or offline' } });
          return;
        }
        await redis.hset(`presence:${auth.tenant.id}`, auth.user.id, status);
        socket.to(ROOMS.tenant(auth.tenant.id)).emit('presence:changed', { userId: auth.user.id, status });
        ack?.({ ok: true });
      },
    },
  ];
}

import { ROOMS } from '@parley/common';
import type { AuthContext } from '../http/context.js';
import type { SessionSockets } from '../auth/sessions.js';
import type { ParleyServer, ParleySocket } from './socket-server.js';

/** How long a socket's session, once checked, is trusted by its next events. */
const RECHECK_MS = 2000;

export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

export interface SocketSessionDeps {
  authenticate: (cookieHeader: string | undefined) => Promise<AuthContext | null>;
  /** Which of these session ids are still alive (one Redis round trip). */
  alive: (sessionIds: string[]) => Promise<Set<string>>;
}

/** What the session store calls when it revokes sessions or a user's rights change. */
export function socketRevocations(io: ParleyServer): SessionSockets {
  return {
    endSession: (sessionId, code) => endRoom(io, sessionRoom(sessionId), code),
    endUserSessions: (userId, code) => endRoom(io, ROOMS.user(userId), code),
    // No `session:ended`: the session stands; the client reconnects and joins the rooms of its new rights.
    reconnectUser: (userId) => io.in(ROOMS.user(userId)).disconnectSockets(true),
  };
}

/** Tells everyone in a room why, then closes their sockets on every engine process. */
export function endRoom(io: ParleyServer, room: string, code: 'DEACTIVATED' | 'TENANT_SUSPENDED' | 'LOGGED_OUT'): void {
  io.to(room).emit('session:ended', { code });
  io.in(room).disconnectSockets(true);
}

/**
 * Keeps every socket bound to the session it opened with. A socket joins its rooms once, at the
 * handshake, with the rights of that moment; when the session ends or its rights change, the socket
 * must not keep them. Revocations (`socketRevocations`) close the sockets at once on every engine
 * process (through the Redis adapter); as a second line, each event re-checks the session (cached
 * briefly), and a periodic sweep closes the sockets of sessions that simply expired.
 */
export class SocketSessions {
  private readonly checks = new WeakMap<ParleySocket, { at: number; valid: Promise<boolean> }>();

  constructor(
    private readonly io: ParleyServer,
    private readonly deps: SocketSessionDeps,
  ) {}

  /** Whether the socket's session is alive with the tenant and roles it connected with. */
  stillValid(socket: ParleySocket): Promise<boolean> {
    const cached = this.checks.get(socket);
    if (cached && Date.now() - cached.at < RECHECK_MS) return cached.valid;
    const valid = this.deps.authenticate(socket.handshake.headers.cookie).then((now) => sameRights(socket.data.auth, now));
    this.checks.set(socket, { at: Date.now(), valid });
    // A failed check (Redis away) is not remembered: the next event asks again.
    valid.catch(() => this.checks.delete(socket));
    return valid;
  }

  /** Closes this process's sockets whose session is gone (expired, idle or absolute). */
  async sweep(): Promise<void> {
    const sockets = [...this.io.of('/').sockets.values()];
    const alive = await this.deps.alive([...new Set(sockets.map((socket) => socket.data.auth.sessionId))]);
    for (const socket of sockets) if (!alive.has(socket.data.auth.sessionId)) socket.disconnect(true);
  }
}

function sameRights(before: AuthContext, now: AuthContext | null): boolean {
  if (!now || now.sessionId !== before.sessionId || now.user.platformRole !== before.user.platformRole) return false;
  if (!before.tenant || !now.tenant) return before.tenant === now.tenant;
  return now.tenant.id === before.tenant.id && [...now.tenant.roles].sort().join() === [...before.tenant.roles].sort().join();
}

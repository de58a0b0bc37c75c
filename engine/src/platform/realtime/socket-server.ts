import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { READER_ROOM_SUBJECTS, ROOMS, queuesForRoles, type Action, type Ack, type ClientToServerEvents, type ServerToClientEvents, type Subject } from '@parley/common';
import type { AuthContext } from '../http/context.js';
import { OriginPolicy } from '../http/origin-guard.js';
import type { Logger } from '../logger/logger.js';
import type { RealtimeEmitter } from './emitter.js';
import { endRoom, sessionRoom, socketRevocations, SocketSessions } from './socket-sessions.js';

export interface SocketData {
  auth: AuthContext;
}

export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

type ClientEvent = keyof ClientToServerEvents;
type EventArgs<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>;

/** A client event handler with the ability it needs; the registry lets a test prove none is open. */
export interface SocketEventSpec<E extends ClientEvent = ClientEvent> {
  event: E;
  access: { action: Action; subject: Subject };
  handler: (socket: ParleySocket, ...args: EventArgs<E>) => Promise<void>;
}

export interface SocketServerOptions {
  pub: Redis;
  sub: Redis;
  /** Which pages may open a socket (the same as may call the API). */
  origins: OriginPolicy;
  logger: Logger;
}

/** What the engine mounts once its domains are built: how a handshake is authenticated, and what is answered. */
export interface SocketMount {
  authenticate: (cookieHeader: string | undefined) => Promise<AuthContext | null>;
  /** Which of these session ids are still alive. */
  sessionsAlive: (sessionIds: string[]) => Promise<Set<string>>;
  /** How often this process closes the sockets of sessions that ended. */
  sweepEveryMs: number;
  events: SocketEventSpec[];
  /** Run for every authenticated connection, after its rooms are joined. */
  onConnection: ((socket: ParleySocket) => void)[];
}

export type SocketServer = ReturnType<typeof createSocketServer>;

/**
 * Socket.IO on the engine's HTTP server, with the Redis adapter. It is built before the domains
 * (they emit through `emitter`, and the session store closes sockets through `sessionSockets`) and
 * opened with `accept` after them, as HTTP routes are mounted: the engine listens only then, so no
 * handshake arrives before it.
 */
export function createSocketServer(httpServer: HttpServer, options: SocketServerOptions) {
  const io: ParleyServer = new Server(httpServer, { adapter: createAdapter(options.pub, options.sub), serveClient: false });
  const events: SocketEventSpec[] = [];

  // A page of another site must not open a socket with the person's cookie (cross-site WebSocket
  // hijacking): browsers always send Origin on a WebSocket handshake, and it must be Parley's.
  io.use((socket, next) => {
    const { headers } = socket.handshake;
    next(options.origins.allows(OriginPolicy.originOf(headers), headers.host) ? undefined : new Error('ORIGIN_REJECTED'));
  });

  const emitter: RealtimeEmitter = {
    toUser: (userId, event, ...payload) => io.to(ROOMS.user(userId)).emit(event, ...payload),
    toRooms: (rooms, event, ...payload) => io.to(rooms).emit(event, ...payload),
    endUserSessions: (userId, code) => endRoom(io, ROOMS.user(userId), code),
    endTenantSessions: (tenantId, code) => endRoom(io, ROOMS.tenant(tenantId), code),
    // Every process answers through the Redis adapter; one that cannot be asked counts as listening.
    hasListeners: async (rooms) => (await io.in(rooms).fetchSockets().catch(() => [null])).length > 0,
  };

  return {
    io,
    emitter,
    /** What the session store calls to close the sockets of revoked sessions. */
    sessionSockets: socketRevocations(io),
    /** Every event answered, for the test that proves none is open. */
    events,
    accept(mount: SocketMount): void {
      const sessions = new SocketSessions(io, { authenticate: mount.authenticate, alive: mount.sessionsAlive });
      startSweep(io, sessions, mount.sweepEveryMs, options.logger);
      events.push(...mount.events);
      // The handshake carries the same httpOnly session cookie as the API; no cookie, no socket.
      io.use((socket, next) => {
        mount
          .authenticate(socket.handshake.headers.cookie)
          .then((auth) => {
            if (!auth) return next(new Error('UNAUTHENTICATED'));
            socket.data.auth = auth;
            next();
          })
          .catch((error: unknown) => next(error instanceof Error ? error : new Error(String(error))));
      });
      io.on('connection', (socket) => {
        joinRooms(socket);
        for (const spec of events) bindEvent(socket, spec, sessions, options.logger);
        for (const hook of mount.onConnection) hook(socket);
      });
    },
  };
}

/** The rooms of the rights the socket connected with (see `SocketSessions` for when they change). */
function joinRooms(socket: ParleySocket): void {
  const { auth } = socket.data;
  void socket.join([ROOMS.user(auth.user.id), sessionRoom(auth.sessionId)]);
  if (!auth.tenant) return;
  void socket.join(ROOMS.tenant(auth.tenant.id));
  for (const queue of queuesForRoles(auth.tenant.roles)) void socket.join(ROOMS.queue(auth.tenant.id, queue));
  for (const subject of READER_ROOM_SUBJECTS) if (auth.ability.can('read', subject)) void socket.join(ROOMS.readers(auth.tenant.id, subject));
}

function bindEvent(socket: ParleySocket, spec: SocketEventSpec, sessions: SocketSessions, logger: Logger): void {
  const handle = async (ack: Ack | undefined, args: unknown[]): Promise<void> => {
    if (!(await sessions.stillValid(socket))) {
      // Signed out, expired, or its rights changed: the client reconnects (or signs in) to go on.
      ack?.({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Your session changed or ended; reconnecting' } });
      socket.disconnect(true);
      return;
    }
    const { auth } = socket.data;
    if (!auth.tenant || !auth.ability.can(spec.access.action, spec.access.subject)) {
      ack?.({ ok: false, error: { code: 'FORBIDDEN', message: 'You are not allowed to do this' } });
      return;
    }
    await (spec.handler as (socket: ParleySocket, ...rest: unknown[]) => Promise<void>)(socket, ...args);
  };
  const listener = (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    handle(ack, args).catch((error: unknown) => {
      logger.error({ err: error, event: spec.event }, 'socket event failed');
      ack?.({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
    });
  };
  socket.on(spec.event, listener as never);
}

function startSweep(io: ParleyServer, sessions: SocketSessions, everyMs: number, logger: Logger): void {
  const timer = setInterval(() => {
    sessions.sweep().catch((error: unknown) => logger.warn({ err: error }, 'socket session sweep failed; the next one tries again'));
  }, everyMs);
  timer.unref();
  io.httpServer.once('close', () => clearInterval(timer));
}

import type { ServerToClientEvents } from '@parley/common';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>;

/**
 * What domains may do with real-time: raise a typed event to a room. It reaches clients on every
 * engine process through the Redis adapter. Domains never touch Socket.IO itself.
 */
export interface RealtimeEmitter {
  toUser<E extends EventName>(userId: string, event: E, ...payload: Payload<E>): void;
  /** To the union of several rooms (a socket in two of them gets the event once). */
  toRooms<E extends EventName>(rooms: string[], event: E, ...payload: Payload<E>): void;
  /** Ends a user's live connections (deactivation, suspension), after telling them why. */
  endUserSessions(userId: string, code: 'DEACTIVATED' | 'TENANT_SUSPENDED' | 'LOGGED_OUT'): void;
  endTenantSessions(tenantId: string, code: 'TENANT_SUSPENDED'): void;
  /** Whether anyone, on any engine process, is in one of these rooms now. */
  hasListeners(rooms: string[]): Promise<boolean>;
}

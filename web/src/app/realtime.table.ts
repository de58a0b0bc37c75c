import type { ClientToServerEvents, ServerToClientEvents } from '@parley/common';
import type { Socket } from 'socket.io-client';
import { authSocket } from '../features/auth/auth.socket';
import { usersSocket } from '../features/users/users.socket';
import { auditSocket } from '../features/audit/audit.socket';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A failing store action is reported, never left as an unhandled rejection inside socket.io. */
function guard<A extends unknown[]>(action: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    Promise.resolve()
      .then(() => action(...args))
      .catch(reportError);
  };
}

/**
 * Which store action each server event drives, one line per event. An event not listed here
 * (`presence:changed`) is not shown anywhere yet.
 */
export function bindEvents(socket: AppSocket): void {
  socket.on('session:ended', guard(authSocket.sessionEnded));
  socket.on('user:updated', guard(usersSocket.userUpdated));
  socket.on('invitation:created', guard(usersSocket.invitationChanged));
  socket.on('invitation:revoked', guard(usersSocket.invitationChanged));
  socket.on('invitation:accepted', guard(usersSocket.invitationAccepted));
}

/**
 * Run in this order after a reconnect, since events sent while offline are not replayed: the session
 * first (roles may have changed), then whatever the screens show.
 */
export async function refetchAll(): Promise<void> {
  for (const refetch of [authSocket.refetch, usersSocket.refetch, auditSocket.refetch]) {
    await refetch().catch(reportError);
  }
}

export const checkSession = authSocket.stillSignedIn;

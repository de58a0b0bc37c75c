import { authSocket } from '../features/auth/auth.socket';
import { usersSocket } from '../features/users/users.socket';
import { auditSocket } from '../features/audit/audit.socket';
import { inboxSocket } from '../features/inbox/inbox.socket';
import { monitoringSocket } from '../features/monitoring/monitoring.socket';
import { lookupsSocket } from '../features/lookups/lookups.socket';
import { channelsSocket } from '../features/channels/channels.socket';
import { notificationsSocket } from '../features/notifications/notifications.socket';
import { campaignsSocket } from '../features/campaigns/campaigns.socket';
import { templatesSocket } from '../features/templates/templates.socket';
import { contactsSocket } from '../features/contacts/contacts.socket';
import type { AppSocket } from './socket';

export type { AppSocket } from './socket';

/** A failing store action is reported, never left as an unhandled rejection inside socket.io. */
function guard<A extends unknown[]>(action: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    Promise.resolve()
      .then(() => action(...args))
      .catch(reportError);
  };
}

/**
 * Which store action each server event drives, one line per event and action. The engine sends an
 * event only to the rooms of who may see it (the readers of its subject, a queue, a user), so a store
 * still drops what its screen does not show (another conversation, another campaign).
 */
export function bindEvents(socket: AppSocket): void {
  socket.on('session:ended', guard(authSocket.sessionEnded));
  socket.on('user:updated', guard(usersSocket.userUpdated));
  socket.on('invitation:created', guard(usersSocket.invitationChanged));
  socket.on('invitation:revoked', guard(usersSocket.invitationChanged));
  socket.on('invitation:accepted', guard(usersSocket.invitationAccepted));
  socket.on('conversation:updated', guard(inboxSocket.conversationUpdated));
  socket.on('conversation:updated', guard(monitoringSocket.changed));
  socket.on('message:created', guard(inboxSocket.messageCreated));
  socket.on('message:created', guard(monitoringSocket.changed));
  socket.on('message:status-changed', guard(inboxSocket.messageStatusChanged));
  socket.on('agent:updated', guard(inboxSocket.agentUpdated));
  socket.on('agent:updated', guard(monitoringSocket.agentUpdated));
  socket.on('presence:changed', guard(inboxSocket.presenceChanged));
  socket.on('presence:changed', guard(monitoringSocket.changed));
  socket.on('lookups:changed', guard(lookupsSocket.lookupsChanged));
  socket.on('notification:created', guard(notificationsSocket.created));
  socket.on('template:updated', guard(templatesSocket.templateUpdated));
  socket.on('template:deleted', guard(templatesSocket.templateDeleted));
  socket.on('campaign:updated', guard(campaignsSocket.campaignUpdated));
  socket.on('campaign:rate', guard(campaignsSocket.campaignRate));
  socket.on('contacts:import-progress', guard(contactsSocket.importProgress));
  socket.on('contacts:import-finished', guard(contactsSocket.importFinished));
}

/** Run on every connection, first or not: what the server must be told again (presence, rooms). */
export async function announceAll(): Promise<void> {
  for (const announce of [inboxSocket.connected]) {
    await announce().catch(reportError);
  }
}

/**
 * Run in this order after a reconnect, since events sent while offline are not replayed: the session
 * first (roles may have changed), then whatever the screens show.
 */
export async function refetchAll(): Promise<void> {
  const refetches = [authSocket.refetch, usersSocket.refetch, auditSocket.refetch, inboxSocket.refetch, monitoringSocket.refetch, lookupsSocket.refetch, channelsSocket.refetch, notificationsSocket.refetch, campaignsSocket.refetch, templatesSocket.refetch, contactsSocket.refetch];
  for (const refetch of refetches) {
    await refetch().catch(reportError);
  }
}

export const checkSession = authSocket.stillSignedIn;

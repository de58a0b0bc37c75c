import type { TenantUserView, InvitationView } from './schemas/users.schema.js';

/**
 * Socket.IO event maps shared by engine and web. Names follow `<domain>:<past-tense-verb>`.
 * A client that reconnects refetches what it shows, so events carry views, not deltas.
 */
export interface ServerToClientEvents {
  'user:updated': (user: TenantUserView) => void;
  'invitation:created': (invitation: InvitationView) => void;
  'invitation:accepted': (invitation: InvitationView) => void;
  'invitation:revoked': (invitation: InvitationView) => void;
  'session:ended': (reason: { code: 'DEACTIVATED' | 'TENANT_SUSPENDED' | 'LOGGED_OUT' }) => void;
  'presence:changed': (presence: { userId: string; status: PresenceStatus }) => void;
}

export type PresenceStatus = 'online' | 'away' | 'offline';

export type Ack = (result: { ok: true } | { ok: false; error: { code: string; message: string } }) => void;

export interface ClientToServerEvents {
  'presence:set': (status: PresenceStatus, ack?: Ack) => void;
}

export const ROOMS = {
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  queue: (tenantId: string, queue: string) => `tenant:${tenantId}:queue:${queue}`,
  user: (userId: string) => `user:${userId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
} as const;

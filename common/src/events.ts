import type { TenantUserView, InvitationView } from './schemas/users.schema.js';
import type { AgentView, ConversationView, DeliveryStatus, MessageView } from './schemas/conversations.schema.js';
import type { LookupKind } from './schemas/lookups.schema.js';
import type { TemplateEvents } from './events/templates.events.js';
import type { ContactEvents } from './events/contacts.events.js';
import type { CampaignEvents } from './events/campaigns.events.js';
import type { NotificationEvents } from './events/notifications.events.js';

/**
 * Socket.IO event maps shared by engine and web. Names follow `<domain>:<past-tense-verb>`.
 * Events sent while a client is offline are not replayed: a client that reconnects refetches what
 * it shows. So an event carries the view of what changed (or, for a delivery status or a presence,
 * its new value) or names what to refetch (`lookups:changed`), never a delta that needs the ones
 * before it.
 */
export interface ServerToClientEvents extends TemplateEvents, ContactEvents, CampaignEvents, NotificationEvents {
  'user:updated': (user: TenantUserView) => void;
  'invitation:created': (invitation: InvitationView) => void;
  'invitation:accepted': (invitation: InvitationView) => void;
  'invitation:revoked': (invitation: InvitationView) => void;
  'session:ended': (reason: { code: 'DEACTIVATED' | 'TENANT_SUSPENDED' | 'LOGGED_OUT' }) => void;
  'presence:changed': (presence: { userId: string; status: PresenceStatus }) => void;
  /**
   * Conversation events (this one, `message:created`, `message:status-changed`) go to the
   * conversation's queue room (or, while the bot has it, to everyone who reads conversations) and
   * to its assignee.
   */
  'conversation:updated': (conversation: ConversationView) => void;
  'message:created': (message: MessageView) => void;
  'message:status-changed': (change: { conversationId: string; messageId: string; status: DeliveryStatus; error: { code: number; message: string } | null }) => void;
  'agent:updated': (agent: AgentView) => void;
  'lookups:changed': (change: { kind: LookupKind }) => void;
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
  /** Everyone in the tenant who may read a subject: events about it go there, not to the whole tenant. */
  readers: (tenantId: string, subject: ReaderRoomSubject) => `tenant:${tenantId}:readers:${subject}`,
} as const;

export const READER_ROOM_SUBJECTS = ['User', 'Invitation', 'Conversation', 'Lookup', 'Template', 'Contact', 'Campaign'] as const;
export type ReaderRoomSubject = (typeof READER_ROOM_SUBJECTS)[number];

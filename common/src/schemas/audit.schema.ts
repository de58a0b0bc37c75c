import { z } from 'zod';

export const AUDIT_ACTIONS = [
  'auth.login_failed',
  'auth.login_blocked',
  'auth.password_reset',
  'user.roles_changed',
  'user.deactivated',
  'user.reactivated',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  /** A wrong password was given to accept an invitation (whether or not the email has an account). */
  'invitation.accept_failed',
  'tenant.created',
  'tenant.suspended',
  'tenant.reactivated',
  'webhook.dead_letter_retried',
  'webhook.dead_letter_discarded',
  'channel.connected',
  'channel.disconnected',
  'lookup.created',
  'lookup.updated',
  'lookup.deleted',
  'bot.settings_changed',
  'template.created',
  'template.updated',
  'template.submitted',
  'template.deleted',
  'template.status_changed',
  'campaign.created',
  'campaign.launched',
  'campaign.paused',
  'campaign.resumed',
  'campaign.cancelled',
  'campaign.exported',
  'campaign.budget_changed',
  'campaign.test_sent',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    action: z.enum(AUDIT_ACTIONS).optional(),
  })
  .strict();

export interface AuditEntryView {
  id: string;
  at: string;
  action: AuditAction;
  actor: { id: string | null; email: string | null };
  target: { type: string; id: string | null; label: string | null };
  before: unknown;
  after: unknown;
  ip: string | null;
}

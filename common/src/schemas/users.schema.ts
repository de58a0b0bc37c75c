import { z } from 'zod';
import { tenantRoleSchema, type TenantRole } from '../roles.js';
import { emailSchema } from './common.schema.js';

export const rolesSchema = z
  .array(tenantRoleSchema)
  .min(1, 'choose at least one role')
  .max(5)
  .refine((roles) => new Set(roles).size === roles.length, 'roles must not repeat');

export const changeRolesBodySchema = z.object({ roles: rolesSchema }).strict();
export type ChangeRolesBody = z.infer<typeof changeRolesBodySchema>;

export const createInvitationBodySchema = z.object({ email: emailSchema, roles: rolesSchema }).strict();
export type CreateInvitationBody = z.infer<typeof createInvitationBodySchema>;

export type MembershipStatus = 'active' | 'deactivated';

export interface TenantUserView {
  id: string;
  email: string;
  name: string;
  roles: TenantRole[];
  status: MembershipStatus;
  lastLoginAt: string | null;
}

export interface InvitationView {
  id: string;
  email: string;
  roles: TenantRole[];
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  createdAt: string;
  invitedBy: string | null;
}

/** Answer to creating an invitation: the single-use link is shown once, to whoever created it. */
export interface CreatedInvitationView {
  invitation: InvitationView;
  link: string;
}

/** What an invitation link shows before it is accepted. */
export interface InvitationPreview {
  email: string;
  tenantName: string;
  roles: TenantRole[];
  expiresAt: string;
}

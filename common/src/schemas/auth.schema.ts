import { z } from 'zod';
import { emailSchema, passwordSchema, personNameSchema } from './common.schema.js';
import type { PlatformRole, TenantRole } from '../roles.js';
import type { AppRule } from '../ability.js';

export const loginBodySchema = z
  .object({
    email: emailSchema,
    password: z.string().min(1, 'is required').max(200),
    /** Slug of the tenant to open when the account belongs to several. */
    tenant: z.string().trim().max(64).optional(),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export const switchTenantBodySchema = z.object({ tenantId: z.string().regex(/^[a-f0-9]{24}$/) }).strict();

export const passwordResetRequestSchema = z.object({ email: emailSchema }).strict();
export const passwordResetConfirmSchema = z
  .object({ token: z.string().min(20).max(200), password: passwordSchema })
  .strict();

export const tokenParamsSchema = z.object({ token: z.string().min(20).max(200) }).strict();

export const acceptInvitationBodySchema = z
  .object({ name: personNameSchema, password: passwordSchema })
  .strict();
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBodySchema>;

export interface MembershipView {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  roles: TenantRole[];
}

/** What `/api/auth/me` answers: who is signed in, in which tenant, and what they may do. */
export interface SessionView {
  user: { id: string; email: string; name: string; platformRole: PlatformRole | null };
  tenant: { id: string; name: string; slug: string; roles: TenantRole[] } | null;
  memberships: MembershipView[];
  rules: AppRule[];
}

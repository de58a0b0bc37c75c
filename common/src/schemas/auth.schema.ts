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

/**
 * Accepting an invitation either creates the account (`new`: a name and a new password) or joins
 * with the account the email already has (`existing`: that account's password, checked under the
 * sign-in limits). The link never says which applies: that would tell whoever holds it, the
 * inviter included, whether the email has a Parley account.
 */
export const acceptInvitationBodySchema = z
  .object({
    account: z.enum(['new', 'existing']).default('new'),
    name: personNameSchema.optional(),
    password: z.string().min(1, 'is required').max(200),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.account === 'existing') return;
    if (!body.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required' });
    const strong = passwordSchema.safeParse(body.password);
    for (const issue of strong.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['password'], message: issue.message });
  });
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

import { z } from 'zod';
import { emailSchema } from './common.schema.js';

export const PLANS = ['trial', 'starter', 'growth', 'enterprise'] as const;
export const planSchema = z.enum(PLANS);
export type Plan = z.infer<typeof planSchema>;

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'must be at least 3 characters')
  .max(40, 'must be at most 40 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'may hold lowercase letters, digits and single dashes');

export const createTenantBodySchema = z
  .object({
    name: z.string().trim().min(2, 'must be at least 2 characters').max(120),
    slug: slugSchema,
    plan: planSchema,
    adminEmail: emailSchema,
  })
  .strict();
export type CreateTenantBody = z.infer<typeof createTenantBodySchema>;

export const suspendTenantBodySchema = z
  .object({ reason: z.string().trim().min(3, 'say why, in a few words').max(500) })
  .strict();

export interface TenantView {
  id: string;
  name: string;
  slug: string;
  plan: Plan;
  status: TenantStatus;
  suspendedReason: string | null;
  createdAt: string;
  userCount: number;
}

export interface CreatedTenantView {
  tenant: TenantView;
  invitationLink: string;
}

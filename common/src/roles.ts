import { z } from 'zod';

/** Roles a user can hold inside one tenant. */
export const TENANT_ROLES = ['tenant_admin', 'manager', 'care_agent', 'sales_agent', 'marketer'] as const;
export const tenantRoleSchema = z.enum(TENANT_ROLES);
export type TenantRole = z.infer<typeof tenantRoleSchema>;

/** Role on the platform itself, outside any tenant. */
export const PLATFORM_ROLES = ['platform_admin'] as const;
export const platformRoleSchema = z.enum(PLATFORM_ROLES);
export type PlatformRole = z.infer<typeof platformRoleSchema>;

export const ROLE_LABELS: Record<TenantRole | PlatformRole, string> = {
  platform_admin: 'Platform admin',
  tenant_admin: 'Tenant admin',
  manager: 'Manager',
  care_agent: 'Customer care agent',
  sales_agent: 'Sales agent',
  marketer: 'Marketer',
};

/** The inbox queue each role works; managers and admins watch every queue. */
export const QUEUES = ['care', 'sales'] as const;
export type Queue = (typeof QUEUES)[number];

export function queuesForRoles(roles: readonly TenantRole[]): Queue[] {
  if (roles.includes('tenant_admin') || roles.includes('manager')) return [...QUEUES];
  const queues: Queue[] = [];
  if (roles.includes('care_agent')) queues.push('care');
  if (roles.includes('sales_agent')) queues.push('sales');
  return queues;
}

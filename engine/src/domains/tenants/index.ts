import type { DomainMount, Platform } from '../../platform/domain.js';
import type { AuditService } from '../audit/index.js';
import { TenantRegistry } from './tenant-registry.js';
import { TenantsService, type TenantMembers } from './tenants.service.js';
import { tenantsRoutes } from './tenants.routes.js';

export { TenantsService, type PlatformActor, type TenantMembers } from './tenants.service.js';
export { TenantRegistry, type TenantSummary } from './tenant-registry.js';
export { tenantsRoutes } from './tenants.routes.js';

export interface TenantsPorts {
  /** Built first with `createTenantRegistry`: the users domain reads it too. */
  registry: TenantRegistry;
  audit: AuditService;
  /** The users domain: a new tenant's first admin is invited, the list counts members. */
  members: TenantMembers;
}

export interface TenantsDomain extends DomainMount {
  tenants: TenantsService;
}

/**
 * Which tenants exist and whether each is active. Sign-in and invitations (users domain) need it,
 * and onboarding a tenant needs the users domain: the registry comes first, the users domain is
 * built on it, then the tenants domain with the users domain's `members`.
 */
export function createTenantRegistry(platform: Platform): TenantRegistry {
  return new TenantRegistry(platform.db);
}

/** The platform's tenants: onboarding (database and first admin's invitation), listing, suspension. */
export function createTenantsDomain(platform: Platform, ports: TenantsPorts): TenantsDomain {
  const tenants = new TenantsService(platform.db, ports.registry, ports.audit, platform.realtime, ports.members);
  return { tenants, routes: tenantsRoutes(tenants) };
}

export { TenantsService, type PlatformActor, type TenantMembers } from './tenants.service.js';
export { tenantsRoutes } from './tenants.routes.js';

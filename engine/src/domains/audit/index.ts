import type { DomainMount, Platform } from '../../platform/domain.js';
import { AuditService } from './audit.service.js';
import { auditRoutes } from './audit.routes.js';

export { AuditService, type AuditRecord } from './audit.service.js';
export { auditRoutes } from './audit.routes.js';

export interface AuditDomain extends DomainMount {
  audit: AuditService;
}

/** Who did what, before and after, in the platform's log and each tenant's; every other domain records through it. */
export function createAuditDomain(platform: Platform): AuditDomain {
  const audit = new AuditService(platform.db);
  return { audit, routes: auditRoutes(audit) };
}

import { auditQuerySchema } from '@parley/common';
import { platformRoute, tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(audit: AuditService): RouteSpec[] {
  return [
    tenantRoute({
      method: 'get',
      path: '/api/audit',
      can: ['read', 'AuditLog'],
      query: auditQuerySchema,
      handler: ({ tenantId, query }) => audit.listTenant(tenantId, query),
    }),
    platformRoute({
      method: 'get',
      path: '/api/admin/audit',
      can: ['read', 'PlatformAudit'],
      query: auditQuerySchema,
      handler: ({ query }) => audit.listPlatform(query),
    }),
  ];
}

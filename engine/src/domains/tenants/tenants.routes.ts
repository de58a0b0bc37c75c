import { createTenantBodySchema, idParamsSchema, suspendTenantBodySchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { platformRoute, type RouteSpec } from '../../platform/http/route.js';
import type { TenantsService } from './tenants.service.js';


export function tenantsRoutes(tenants: TenantsService): RouteSpec[] {
  return [
    platformRoute({ method: 'get', path: '/api/admin/tenants', can: ['read', 'Tenant'], handler: () => tenants.list() }),
    platformRoute({
      method: 'post',
      path: '/api/admin/tenants',
      can: ['create', 'Tenant'],
      body: createTenantBodySchema,
      status: 201,
      handler: (ctx) => tenants.create(ctx.body, actorOf(ctx)),
    }),
    platformRoute({
      method: 'post',
      path: '/api/admin/tenants/:id/suspend',
      can: ['suspend', 'Tenant'],
      params: idParamsSchema,
      body: suspendTenantBodySchema,
      handler: (ctx) => tenants.setStatus(ctx.params.id, 'suspended', ctx.body.reason, actorOf(ctx)),
    }),
    platformRoute({
      method: 'post',
      path: '/api/admin/tenants/:id/reactivate',
      can: ['suspend', 'Tenant'],
      params: idParamsSchema,
      handler: (ctx) => tenants.setStatus(ctx.params.id, 'active', null, actorOf(ctx)),
    }),
  ];
}

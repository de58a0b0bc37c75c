import { changeRolesBodySchema, createInvitationBodySchema, idParamsSchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { InvitationsService } from './invitations.service.js';
import type { UsersService } from './users.service.js';


export function usersRoutes(users: UsersService, invitations: InvitationsService): RouteSpec[] {
  return [
    tenantRoute({ method: 'get', path: '/api/users', can: ['read', 'User'], handler: ({ tenantId }) => users.list(tenantId) }),
    tenantRoute({
      method: 'patch',
      path: '/api/users/:id/roles',
      can: ['update', 'User'],
      params: idParamsSchema,
      body: changeRolesBodySchema,
      sample: { body: { roles: ['manager'] } },
      handler: (ctx) => users.changeRoles(ctx.tenantId, ctx.params.id, ctx.body.roles, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/users/:id/deactivate',
      can: ['update', 'User'],
      params: idParamsSchema,
      handler: (ctx) => users.setStatus(ctx.tenantId, ctx.params.id, 'deactivated', actorOf(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/users/:id/reactivate',
      can: ['update', 'User'],
      params: idParamsSchema,
      handler: (ctx) => users.setStatus(ctx.tenantId, ctx.params.id, 'active', actorOf(ctx)),
    }),
    tenantRoute({ method: 'get', path: '/api/invitations', can: ['read', 'Invitation'], handler: ({ tenantId }) => invitations.list(tenantId) }),
    tenantRoute({
      method: 'post',
      path: '/api/invitations',
      can: ['create', 'Invitation'],
      body: createInvitationBodySchema,
      status: 201,
      handler: (ctx) => invitations.create(ctx.tenantId, ctx.body.email, ctx.body.roles, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/invitations/:id/revoke',
      can: ['delete', 'Invitation'],
      params: idParamsSchema,
      handler: (ctx) => invitations.revoke(ctx.tenantId, ctx.params.id, actorOf(ctx)),
    }),
  ];
}

import { botSettingsBodySchema, idParamsSchema, LOOKUP_KINDS, lookupBodySchema, lookupPatchSchema, type LookupKind } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { BotService } from './bot.service.js';


/**
 * `/api/lookups/<kind>[/:id]`, spelt out per table rather than as a `:kind` parameter: an
 * unknown table is then a plain 404, and every `:id` route can be walked by the tenant-isolation
 * test with ids alone.
 */
function lookupRoutes(bot: BotService, kind: LookupKind): RouteSpec[] {
  const base = `/api/lookups/${kind}`;
  return [
    tenantRoute({ method: 'get', path: base, can: ['read', 'Lookup'], handler: ({ tenantId }) => bot.lookups.list(tenantId, kind) }),
    tenantRoute({
      method: 'post',
      path: base,
      can: ['create', 'Lookup'],
      body: lookupBodySchema,
      status: 201,
      handler: (ctx) => bot.lookups.create(ctx.tenantId, kind, ctx.body, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'patch',
      path: `${base}/:id`,
      can: ['update', 'Lookup'],
      params: idParamsSchema,
      body: lookupPatchSchema,
      sample: { body: { active: false } },
      handler: (ctx) => bot.lookups.update(ctx.tenantId, kind, ctx.params.id, ctx.body, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'delete',
      path: `${base}/:id`,
      can: ['delete', 'Lookup'],
      params: idParamsSchema,
      status: 204,
      handler: (ctx) => bot.lookups.remove(ctx.tenantId, kind, ctx.params.id, actorOf(ctx)),
    }),
  ];
}

export function botRoutes(bot: BotService): RouteSpec[] {
  return [
    ...LOOKUP_KINDS.flatMap((kind) => lookupRoutes(bot, kind)),
    tenantRoute({ method: 'get', path: '/api/bot/settings', can: ['read', 'Lookup'], handler: ({ tenantId }) => bot.botSettings.get(tenantId) }),
    tenantRoute({
      method: 'put',
      path: '/api/bot/settings',
      can: ['update', 'Lookup'],
      body: botSettingsBodySchema,
      handler: (ctx) => bot.botSettings.replace(ctx.tenantId, ctx.body, actorOf(ctx)),
    }),
  ];
}

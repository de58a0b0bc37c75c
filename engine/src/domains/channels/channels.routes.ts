import { z } from 'zod';
import { connectChannelBodySchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { ChannelsService } from './channels.service.js';

const phoneNumberParamsSchema = z.object({ phoneNumberId: z.string().regex(/^\d{5,20}$/, 'digits only') }).strict();

export function channelsRoutes(channels: ChannelsService): RouteSpec[] {
  return [
    tenantRoute({ method: 'get', path: '/api/channels', can: ['read', 'Channel'], handler: ({ tenantId }) => channels.list(tenantId) }),
    tenantRoute({
      method: 'post',
      path: '/api/channels',
      can: ['create', 'Channel'],
      body: connectChannelBodySchema,
      status: 201,
      handler: (ctx) => channels.connect(ctx.tenantId, ctx.body, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'delete',
      path: '/api/channels/:phoneNumberId',
      can: ['delete', 'Channel'],
      params: phoneNumberParamsSchema,
      status: 204,
      handler: (ctx) => channels.disconnect(ctx.tenantId, ctx.params.phoneNumberId, actorOf(ctx)),
    }),
  ];
}

import { z } from 'zod';
import { audienceSelectionSchema, campaignIdParamsSchema, createCampaignBodySchema, recipientListQuerySchema, testSendBodySchema, updateCampaignBodySchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { tenantRoute, type RouteSpec, type TenantContext } from '../../platform/http/route.js';
import type { Actor, CampaignsService } from './campaigns.service.js';

const estimateBodySchema = z.object({ templateId: z.string().min(1).max(64), audience: audienceSelectionSchema }).strict();
const recipientParamsSchema = z.object({ id: campaignIdParamsSchema.shape.id, recipientId: z.string().min(1).max(200) }).strict();

function actor(ctx: TenantContext<unknown, unknown, unknown>): Actor {
  const who = actorOf(ctx);
  return { ...who, name: ctx.auth.user.name };
}

export function campaignsRoutes(campaigns: CampaignsService): RouteSpec[] {
  const action = (name: 'pause' | 'resume' | 'cancel') =>
    tenantRoute({
      method: 'post',
      path: `/api/campaigns/:id/${name}`,
      can: ['manage', 'Campaign'],
      params: campaignIdParamsSchema,
      handler: (ctx) => campaigns.act(ctx.tenantId, ctx.params.id, name, actor(ctx)),
    });
  return [
    tenantRoute({ method: 'get', path: '/api/campaigns', can: ['read', 'Campaign'], handler: ({ tenantId }) => campaigns.list(tenantId) }),
    tenantRoute({
      method: 'post',
      path: '/api/campaigns',
      can: ['create', 'Campaign'],
      body: createCampaignBodySchema,
      status: 201,
      handler: (ctx) => campaigns.create(ctx.tenantId, ctx.body, actor(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/campaigns/estimate',
      can: ['create', 'Campaign'],
      body: estimateBodySchema,
      handler: ({ tenantId, body }) => campaigns.estimate(tenantId, body.templateId, body.audience),
    }),
    tenantRoute({ method: 'get', path: '/api/campaigns/rate-card', can: ['read', 'Campaign'], handler: async () => campaigns.rateCard() }),
    tenantRoute({ method: 'get', path: '/api/campaigns/context', can: ['create', 'Campaign'], handler: ({ tenantId }) => campaigns.context(tenantId) }),
    tenantRoute({ method: 'get', path: '/api/campaigns/:id', can: ['read', 'Campaign'], params: campaignIdParamsSchema, handler: ({ tenantId, params }) => campaigns.get(tenantId, params.id) }),
    tenantRoute({
      method: 'patch',
      path: '/api/campaigns/:id',
      can: ['update', 'Campaign'],
      params: campaignIdParamsSchema,
      body: updateCampaignBodySchema,
      sample: { body: { name: 'Renamed' } },
      handler: (ctx) => campaigns.update(ctx.tenantId, ctx.params.id, ctx.body, actor(ctx)),
    }),
    tenantRoute({
      method: 'delete',
      path: '/api/campaigns/:id',
      can: ['delete', 'Campaign'],
      params: campaignIdParamsSchema,
      status: 204,
      handler: ({ tenantId, params }) => campaigns.remove(tenantId, params.id),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/campaigns/:id/test-send',
      can: ['manage', 'Campaign'],
      params: campaignIdParamsSchema,
      body: testSendBodySchema,
      sample: { body: { phone: '+5511987654321' } },
      handler: (ctx) => campaigns.testSend(ctx.tenantId, ctx.params.id, ctx.body.phone, actor(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/campaigns/:id/launch',
      can: ['manage', 'Campaign'],
      params: campaignIdParamsSchema,
      handler: (ctx) => campaigns.launch(ctx.tenantId, ctx.params.id, actor(ctx)),
    }),
    action('pause'),
    action('resume'),
    action('cancel'),
    tenantRoute({
      method: 'get',
      path: '/api/campaigns/:id/recipients',
      can: ['read', 'Campaign'],
      params: campaignIdParamsSchema,
      query: recipientListQuerySchema,
      handler: ({ tenantId, params, query }) => campaigns.recipients(tenantId, params.id, query),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/campaigns/:id/recipients.csv',
      can: ['export', 'Campaign'],
      params: campaignIdParamsSchema,
      handler: async (ctx) => {
        const { fileName, csv } = await campaigns.exportCsv(ctx.tenantId, ctx.params.id, actor(ctx));
        ctx.res.type('text/csv; charset=utf-8').attachment(fileName).send(csv);
      },
    }),
    tenantRoute({
      method: 'get',
      path: '/api/campaigns/:id/recipients/:recipientId',
      can: ['read', 'Campaign'],
      params: recipientParamsSchema,
      handler: ({ tenantId, params }) => campaigns.recipient(tenantId, params.id, params.recipientId),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/campaigns/:id/rate',
      can: ['read', 'Campaign'],
      params: campaignIdParamsSchema,
      handler: ({ tenantId, params }) => campaigns.rate(tenantId, params.id),
    }),
  ];
}

import { createTemplateBodySchema, templateIdParamsSchema, updateTemplateBodySchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { TemplatesService } from './templates.service.js';

const SAMPLE_CONTENT = { category: 'MARKETING', body: { text: 'Hello {{1}}, welcome.', examples: { '1': 'Ana' } } };

/**
 * Templates: listing them and syncing them from WhatsApp are read routes (the inbox composer uses
 * them too); creating, changing and submitting them are a template manager's.
 */
export function templatesRoutes(templates: TemplatesService): RouteSpec[] {
  return [
    tenantRoute({ method: 'get', path: '/api/templates', can: ['read', 'Template'], handler: ({ tenantId }) => templates.list(tenantId) }),
    tenantRoute({ method: 'post', path: '/api/templates/sync', can: ['read', 'Template'], handler: ({ tenantId }) => templates.sync(tenantId) }),
    tenantRoute({
      method: 'get',
      path: '/api/templates/:id',
      can: ['read', 'Template'],
      params: templateIdParamsSchema,
      handler: ({ tenantId, params }) => templates.get(tenantId, params.id),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/templates',
      can: ['create', 'Template'],
      body: createTemplateBodySchema,
      status: 201,
      handler: (ctx) => templates.create(ctx.tenantId, ctx.body, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'put',
      path: '/api/templates/:id',
      can: ['update', 'Template'],
      params: templateIdParamsSchema,
      body: updateTemplateBodySchema,
      sample: { body: SAMPLE_CONTENT },
      handler: (ctx) => templates.update(ctx.tenantId, ctx.params.id, ctx.body, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/templates/:id/submit',
      can: ['update', 'Template'],
      params: templateIdParamsSchema,
      handler: (ctx) => templates.submit(ctx.tenantId, ctx.params.id, actorOf(ctx)),
    }),
    tenantRoute({
      method: 'delete',
      path: '/api/templates/:id',
      can: ['delete', 'Template'],
      params: templateIdParamsSchema,
      status: 204,
      handler: (ctx) => templates.remove(ctx.tenantId, ctx.params.id, actorOf(ctx)),
    }),
  ];
}

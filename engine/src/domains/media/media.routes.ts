import { mediaIdParamsSchema, mediaListQuerySchema, mediaUploadQuerySchema } from '@parley/common';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { MediaService } from './media.service.js';

/**
 * Files for template samples and campaign headers. Uploading is part of editing templates and
 * campaigns (marketers and tenant admins); a file is then read by whoever reads templates.
 */
export function mediaRoutes(media: MediaService): RouteSpec[] {
  return [
    tenantRoute({
      method: 'post',
      path: '/api/media',
      can: ['update', 'Template'],
      query: mediaUploadQuerySchema,
      status: 201,
      // The file is the raw body, its type the Content-Type, as contact imports take theirs (a JSON
      // body is parsed and refused as a body this route does not take).
      handler: (ctx) => media.upload(ctx.tenantId, ctx.req, ctx.req.headers['content-type'] ?? '', ctx.query, ctx.auth.user.id),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/media',
      can: ['read', 'Template'],
      query: mediaListQuerySchema,
      handler: (ctx) => media.list(ctx.tenantId, ctx.query),
    }),
    tenantRoute({
      method: 'delete',
      path: '/api/media/:id',
      can: ['update', 'Template'],
      params: mediaIdParamsSchema,
      status: 204,
      handler: (ctx) => media.remove(ctx.tenantId, ctx.params.id),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/media/:id',
      can: ['read', 'Template'],
      params: mediaIdParamsSchema,
      handler: (ctx) => media.get(ctx.tenantId, ctx.params.id),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/media/:id/content',
      can: ['read', 'Template'],
      params: mediaIdParamsSchema,
      handler: async (ctx) => {
        const file = await media.content(ctx.tenantId, ctx.params.id);
        // A file never changes under its id; it is private to the tenant's signed-in people.
        ctx.res.set('Cache-Control', 'private, max-age=86400, immutable');
        ctx.res.set('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
        ctx.res.type(file.mimeType).send(file.bytes);
      },
    }),
  ];
}

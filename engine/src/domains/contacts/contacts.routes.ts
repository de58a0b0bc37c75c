import {
  audienceSelectionSchema,
  consentChangeBodySchema,
  contactListBodySchema,
  contactPatchSchema,
  contactSearchQuerySchema,
  contactSettingsSchema,
  contactsBulkBodySchema,
  idParamsSchema,
  importReportQuerySchema,
  importRunBodySchema,
  importUploadQuerySchema,
  segmentBodySchema,
  segmentPreviewBodySchema,
} from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { ContactsService } from './contacts.service.js';

const sampleFilter = { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] };

function contactRoutes(contacts: ContactsService): RouteSpec[] {
  const { directory } = contacts;
  return [
    tenantRoute({ method: 'get', path: '/api/contacts', can: ['read', 'Contact'], query: contactSearchQuerySchema, handler: (ctx) => directory.search(ctx.tenantId, ctx.query) }),
    tenantRoute({ method: 'get', path: '/api/contacts/tags', can: ['read', 'Contact'], handler: (ctx) => directory.tags(ctx.tenantId) }),
    tenantRoute({ method: 'get', path: '/api/contacts/settings', can: ['read', 'Contact'], handler: (ctx) => directory.getSettings(ctx.tenantId) }),
    tenantRoute({ method: 'put', path: '/api/contacts/settings', can: ['update', 'Contact'], body: contactSettingsSchema, handler: (ctx) => directory.putSettings(ctx.tenantId, ctx.body) }),
    tenantRoute({ method: 'post', path: '/api/contacts/bulk', can: ['update', 'Contact'], body: contactsBulkBodySchema, handler: (ctx) => directory.bulk(ctx.tenantId, ctx.body) }),
    tenantRoute({
      method: 'post',
      path: '/api/contacts/audience-count',
      can: ['read', 'Contact'],
      body: audienceSelectionSchema,
      handler: (ctx) => contacts.countAudience(ctx.tenantId, ctx.body),
    }),
    tenantRoute({ method: 'get', path: '/api/contacts/:id', can: ['read', 'Contact'], params: idParamsSchema, handler: (ctx) => directory.detail(ctx.tenantId, ctx.params.id) }),
    tenantRoute({
      method: 'patch',
      path: '/api/contacts/:id',
      can: ['update', 'Contact'],
      params: idParamsSchema,
      body: contactPatchSchema,
      sample: { body: { name: 'Ana' } },
      handler: (ctx) => directory.update(ctx.tenantId, ctx.params.id, ctx.body),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/contacts/:id/consent',
      can: ['update', 'Contact'],
      params: idParamsSchema,
      body: consentChangeBodySchema,
      sample: { body: { to: 'revoked', note: 'asked on the phone' } },
      handler: (ctx) => directory.changeConsent(ctx.tenantId, ctx.params.id, ctx.body, ctx.auth.user),
    }),
  ];
}

function listAndSegmentRoutes(contacts: ContactsService): RouteSpec[] {
  const lists = contacts.listsService;
  const segments = contacts.segmentsService;
  return [
    tenantRoute({ method: 'get', path: '/api/contact-lists', can: ['read', 'Contact'], handler: (ctx) => lists.list(ctx.tenantId) }),
    tenantRoute({ method: 'post', path: '/api/contact-lists', can: ['create', 'Contact'], body: contactListBodySchema, status: 201, handler: (ctx) => lists.create(ctx.tenantId, ctx.body.name, ctx.auth.user.id) }),
    tenantRoute({
      method: 'patch',
      path: '/api/contact-lists/:id',
      can: ['update', 'Contact'],
      params: idParamsSchema,
      body: contactListBodySchema,
      sample: { body: { name: 'Renamed' } },
      handler: (ctx) => lists.rename(ctx.tenantId, ctx.params.id, ctx.body.name),
    }),
    tenantRoute({ method: 'delete', path: '/api/contact-lists/:id', can: ['delete', 'Contact'], params: idParamsSchema, status: 204, handler: (ctx) => lists.remove(ctx.tenantId, ctx.params.id) }),
    tenantRoute({ method: 'get', path: '/api/segments', can: ['read', 'Contact'], handler: (ctx) => segments.list(ctx.tenantId) }),
    tenantRoute({ method: 'post', path: '/api/segments', can: ['create', 'Contact'], body: segmentBodySchema, status: 201, handler: (ctx) => segments.create(ctx.tenantId, ctx.body, ctx.auth.user.id) }),
    tenantRoute({ method: 'post', path: '/api/segments/preview', can: ['read', 'Contact'], body: segmentPreviewBodySchema, handler: (ctx) => segments.count(ctx.tenantId, ctx.body.filter) }),
    tenantRoute({ method: 'get', path: '/api/segments/:id', can: ['read', 'Contact'], params: idParamsSchema, handler: (ctx) => segments.view(ctx.tenantId, ctx.params.id) }),
    tenantRoute({
      method: 'put',
      path: '/api/segments/:id',
      can: ['update', 'Contact'],
      params: idParamsSchema,
      body: segmentBodySchema,
      sample: { body: { name: 'VIP', filter: sampleFilter } },
      handler: (ctx) => segments.update(ctx.tenantId, ctx.params.id, ctx.body),
    }),
    tenantRoute({ method: 'delete', path: '/api/segments/:id', can: ['delete', 'Contact'], params: idParamsSchema, status: 204, handler: (ctx) => segments.remove(ctx.tenantId, ctx.params.id) }),
  ];
}

function importRoutes(contacts: ContactsService): RouteSpec[] {
  const { imports } = contacts;
  return [
    tenantRoute({ method: 'get', path: '/api/contact-imports', can: ['read', 'Contact'], handler: (ctx) => imports.list(ctx.tenantId) }),
    tenantRoute({
      method: 'post',
      path: '/api/contact-imports',
      can: ['create', 'Contact'],
      query: importUploadQuerySchema,
      status: 201,
      handler: (ctx) => {
        // The file is the raw body (text/csv or xlsx), streamed through the reader rather than buffered by a body parser.
        const contentType = ctx.req.headers['content-type'] ?? '';
        if (contentType.includes('json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file itself as the body, with Content-Type: text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return imports.upload(ctx.tenantId, ctx.req, ctx.query.fileName, ctx.auth.user.id, contentType);
      },
    }),
    tenantRoute({
      method: 'get',
      path: '/api/contact-imports/:id',
      can: ['read', 'Contact'],
      params: idParamsSchema,
      query: importReportQuerySchema,
      handler: (ctx) => imports.report(ctx.tenantId, ctx.params.id, ctx.query.limit),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/contact-imports/:id/run',
      can: ['create', 'Contact'],
      params: idParamsSchema,
      body: importRunBodySchema,
      status: 202,
      sample: { body: { mapping: { phone: 'phone' } } },
      handler: (ctx) => imports.run(ctx.tenantId, ctx.params.id, ctx.body, ctx.auth.user.id),
    }),
    tenantRoute({
      method: 'get',
      path: '/api/contact-imports/:id/rejections.csv',
      can: ['read', 'Contact'],
      params: idParamsSchema,
      handler: async (ctx) => {
        const { fileName, csv } = await imports.reportCsv(ctx.tenantId, ctx.params.id);
        ctx.res.type('text/csv; charset=utf-8').attachment(fileName).send(csv);
      },
    }),
  ];
}

export function contactsRoutes(contacts: ContactsService): RouteSpec[] {
  return [...contactRoutes(contacts), ...listAndSegmentRoutes(contacts), ...importRoutes(contacts)];
}


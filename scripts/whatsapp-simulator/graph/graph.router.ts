import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { SimContext } from '../state/context.js';
import { createTemplate, deleteTemplates, editTemplate } from '../templates/templates.service.js';
import type { Json } from '../webhooks/payloads.js';
import { authorizeNumber, authorizeWaba, missingObject, requireToken } from './auth.js';
import { GraphError } from './errors.js';
import { multipartBody, uploadMedia } from './media.routes.js';
import { postMessages } from './send.service.js';
import { feedUploadSession, openUploadSession, uploadBody, uploadSessionStatus } from './upload.routes.js';
import { mediaView, phoneNumberView, templateView } from './views.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const cursor = (index: number): string => Buffer.from(String(index)).toString('base64url');
const uncursor = (value: unknown): number | undefined => {
  const decoded = Number(Buffer.from(String(value ?? ''), 'base64url').toString());
  return text(value) && Number.isInteger(decoded) ? decoded : undefined;
};

/** `GET /{waba-id}/message_templates` with filters and cursor paging (§3.2). */
function listTemplates(ctx: SimContext, wabaId: string, req: Request): Json {
  const q = req.query;
  const all = ctx.templates.list(wabaId, { name: text(q.name), status: text(q.status), language: text(q.language), category: text(q.category) });
  const limit = Math.min(Math.max(Number(q.limit) || 25, 1), 1000);
  const after = uncursor(q.after);
  const before = uncursor(q.before);
  const start = after !== undefined ? after + 1 : before !== undefined ? Math.max(0, before - limit) : 0;
  const page = all.slice(start, start + limit);
  const data = page.map((template) => templateView(template, text(q.fields)));
  if (page.length === 0) return { data, paging: { cursors: {} } };
  const last = start + page.length - 1;
  const link = (key: string, value: string) => {
    const url = new URL(`${ctx.baseUrl}${req.baseUrl}${req.path}`);
    for (const [name, param] of Object.entries(q)) if (typeof param === 'string' && !['after', 'before'].includes(name)) url.searchParams.set(name, param);
    url.searchParams.set(key, value);
    return url.toString();
  };
  const paging: Json = { cursors: { before: cursor(start), after: cursor(last) } };
  if (last < all.length - 1) paging.next = link('after', cursor(last));
  if (start > 0) paging.previous = link('before', cursor(start));
  return { data, paging };
}

function getObject(ctx: SimContext, req: Request): Json {
  const id = String(req.params.id);
  const fields = text(req.query.fields);
  requireToken(ctx, req);
  if (ctx.numbers.get(id)) return phoneNumberView(authorizeNumber(ctx, req, id), fields);
  const template = ctx.templates.get(id);
  if (template) {
    authorizeWaba(ctx, req, template.wabaId);
    return templateView(template, fields);
  }
  const media = ctx.media.get(id);
  if (media) {
    authorizeNumber(ctx, req, media.phoneNumberId);
    return mediaView(ctx, media);
  }
  if (ctx.numbers.byWaba(id).length > 0) {
    authorizeWaba(ctx, req, id);
    return { id, name: 'Parley Demo WABA', currency: 'USD', timezone_id: '1', message_template_namespace: `ns_${id}` };
  }
  throw missingObject(id);
}

function editObject(ctx: SimContext, req: Request): Json {
  const template = ctx.templates.get(String(req.params.id));
  requireToken(ctx, req);
  if (!template) throw missingObject(String(req.params.id));
  const number = authorizeWaba(ctx, req, template.wabaId);
  editTemplate(ctx, template, req.body, number.config.accessToken);
  return { success: true };
}

function deleteObject(ctx: SimContext, req: Request): Json {
  const id = String(req.params.id);
  const media = ctx.media.get(id);
  requireToken(ctx, req);
  if (!media) throw missingObject(id);
  authorizeNumber(ctx, req, media.phoneNumberId);
  ctx.media.remove(id);
  return { success: true };
}

/** The Resumable Upload API: `POST /app/uploads` opens a session, `/upload:<id>` takes its bytes. */
function uploadRoutes(ctx: SimContext, router: Router): void {
  // `app` is Graph's alias for the app the token belongs to; numbers here have no app of their own.
  router.post('/:id/uploads', (req, res) => {
    if (req.params.id !== 'app') throw missingObject(String(req.params.id));
    res.json(openUploadSession(ctx, req));
  });
  const session = /^\/(upload:[A-Za-z0-9]+)$/;
  const sessionId = (req: Request) => String(req.params[0]);
  router.post(session, uploadBody, (req, res) => void res.json(feedUploadSession(ctx, req, sessionId(req))));
  router.get(session, (req, res) => void res.json(uploadSessionStatus(ctx, req, sessionId(req))));
}

function routes(ctx: SimContext, router: Router): void {
  const id = (req: Request) => String(req.params.id);
  uploadRoutes(ctx, router);
  router.post('/:id/messages', (req, res) => void res.json(postMessages(ctx, authorizeNumber(ctx, req, id(req)), req.body)));
  router.post('/:id/media', multipartBody, async (req, res) => void res.json(await uploadMedia(ctx, authorizeNumber(ctx, req, id(req)), req)));
  router.get('/:id/phone_numbers', (req, res) => {
    authorizeWaba(ctx, req, id(req));
    res.json({ data: ctx.numbers.byWaba(id(req)).map((number) => phoneNumberView(number, text(req.query.fields))) });
  });
  router.get('/:id/message_templates', (req, res) => {
    authorizeWaba(ctx, req, id(req));
    res.json(listTemplates(ctx, id(req), req));
  });
  router.post('/:id/message_templates', (req, res) => {
    const number = authorizeWaba(ctx, req, id(req));
    const template = createTemplate(ctx, id(req), req.body, { uploadedWith: number.config.accessToken });
    res.json({ id: template.id, status: template.status, category: template.category });
  });
  router.delete('/:id/message_templates', (req, res) => {
    authorizeWaba(ctx, req, id(req));
    deleteTemplates(ctx, id(req), req.query.name, req.query.hsm_id);
    res.json({ success: true });
  });
  router.get('/:id', (req, res) => void res.json(getObject(ctx, req)));
  router.post('/:id', (req, res) => void res.json(editObject(ctx, req)));
  router.delete('/:id', (req, res) => void res.json(deleteObject(ctx, req)));
}

/** The Graph surface under `/:version/` (any `vNN.N`), answering errors in the §2.5 shape. */
export function graphRouter(ctx: SimContext): Router {
  const router = express.Router();
  const versioned = express.Router({ mergeParams: true });
  routes(ctx, versioned);
  router.use('/:version', (req: Request, _res: Response, next: NextFunction) => {
    if (!/^v\d+\.\d+$/.test(String(req.params.version))) return next(new GraphError(2500, `Unknown path components: ${req.originalUrl.split('?')[0] ?? ''}`));
    next();
  }, versioned);
  router.use((req: Request, _res: Response, next: NextFunction) => next(new GraphError(2500, `Unknown path components: ${req.originalUrl.split('?')[0] ?? ''}`)));
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const graphError = toGraphError(error, ctx);
    ctx.refusals.set(graphError.code, (ctx.refusals.get(graphError.code) ?? 0) + 1);
    res.status(graphError.httpStatus).json(graphError.toBody(ctx.ids.fbtrace()));
  });
  return router;
}

function toGraphError(error: unknown, ctx: SimContext): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof SyntaxError) return new GraphError(100, 'The request body is not valid JSON.');
  ctx.log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new GraphError(131000, 'Something went wrong.');
}

import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { SimContext } from '../state/context.js';
import type { SendRecord } from '../state/records.js';
import { createTemplateSchema, TEMPLATE_STATUSES } from '../templates/template-rules.js';
import { createTemplate, reviewTemplate } from '../templates/templates.service.js';
import { parseBody } from './events.service.js';
import { ControlError, injectInbound, numberFor } from './inbound.service.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

function latestStatus(send: SendRecord): string {
  return send.statuses.at(-1)?.status ?? 'accepted';
}

/** Shared filters: `phoneNumberId`, `since` (virtual ms) and `limit` (the most recent N). */
function page<T>(items: readonly T[], req: Request, keep: (item: T) => boolean): { total: number; data: T[] } {
  const matching = items.filter(keep);
  const limit = Math.max(1, Number(req.query.limit) || 1000);
  return { total: matching.length, data: matching.slice(-limit) };
}

function sendFilter(req: Request): (send: SendRecord) => boolean {
  const q = req.query;
  const to = str(q.to)?.replace(/\D/g, '');
  const since = Number(q.since) || 0;
  return (send) =>
    (to === undefined || send.waId === to || send.to?.replace(/\D/g, '') === to) &&
    (str(q.userId) === undefined || send.userId === q.userId) &&
    (str(q.phoneNumberId) === undefined || send.phoneNumberId === q.phoneNumberId) &&
    (str(q.type) === undefined || send.type === q.type) &&
    (str(q.template) === undefined || send.templateName === q.template) &&
    (str(q.status) === undefined || send.statuses.some((entry) => entry.status === q.status) || latestStatus(send) === q.status) &&
    (str(q.bizOpaque) === undefined || send.bizOpaqueCallbackData === q.bizOpaque) &&
    send.acceptedAt >= since;
}

function inspectionRoutes(ctx: SimContext, router: Router): void {
  const sends = (req: Request) => page(ctx.sends.all(), req, sendFilter(req));
  router.get('/sends', (req, res) => void res.json(sends(req)));
  router.get('/sent', (req, res) => void res.json(sends(req)));
  router.get('/sends/:id', (req, res) => {
    const send = ctx.sends.get(req.params.id);
    if (!send) throw new ControlError(`no send ${req.params.id}`, 404);
    res.json(send);
  });
  router.get('/webhooks', (req, res) => {
    const q = req.query;
    res.json(page(ctx.deliveries.all(), req, (d) =>
      (str(q.field) === undefined || d.fields.includes(String(q.field))) &&
      (str(q.state) === undefined || d.state === q.state) &&
      (str(q.wamid) === undefined || d.wamids.includes(String(q.wamid))) &&
      (str(q.phoneNumberId) === undefined || d.phoneNumberIds.includes(String(q.phoneNumberId))),
    ));
  });
  router.get('/webhooks/:id', (req, res) => {
    const delivery = ctx.deliveries.get(req.params.id);
    if (!delivery) throw new ControlError(`no webhook delivery ${req.params.id}`, 404);
    res.json(delivery);
  });
  router.get('/inbound', (req, res) => {
    const from = str(req.query.from)?.replace(/\D/g, '');
    res.json(page(ctx.inbound.all(), req, (m) => from === undefined || m.waId === from));
  });
}

function templateRoutes(ctx: SimContext, router: Router): void {
  router.get('/templates', (req, res) => {
    const wabaId = str(req.query.wabaId);
    res.json({ data: ctx.templates.all().filter((template) => wabaId === undefined || template.wabaId === wabaId) });
  });
  // Seeds a template without review, e.g. an APPROVED one for a test; no webhook is sent.
  router.post('/templates', (req, res) => {
    const input = parseBody(createTemplateSchema.extend({ wabaId: z.string().optional(), status: z.enum(TEMPLATE_STATUSES).default('APPROVED') }), req.body);
    const wabaId = input.wabaId ?? numberFor(ctx, undefined).config.wabaId;
    res.status(201).json(createTemplate(ctx, wabaId, req.body, { status: input.status }));
  });
  router.post('/templates/:id/review', (req, res) => {
    const template = ctx.templates.get(req.params.id);
    if (!template) throw new ControlError(`no template ${req.params.id}`, 404);
    reviewTemplate(ctx, template);
    res.json(template);
  });
}

export function trafficRoutes(ctx: SimContext): Router {
  const router = express.Router();
  inspectionRoutes(ctx, router);
  templateRoutes(ctx, router);
  router.post('/inbound', (req, res) => void res.status(201).json(injectInbound(ctx, req.body)));
  router.post('/messages/:id/read', (req, res) => {
    const send = ctx.sends.get(req.params.id);
    if (!send) throw new ControlError(`no send ${req.params.id}`, 404);
    res.json({ emitted: ctx.timeline.markRead(send) });
  });
  router.post('/webhooks/flush', (_req, res) => {
    ctx.emitter.flushAll();
    res.json({ success: true });
  });
  return router;
}

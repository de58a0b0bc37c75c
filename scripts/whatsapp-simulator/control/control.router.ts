import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { CustomerSimulator } from '../customers/customers.js';
import type { SimContext } from '../state/context.js';
import { configRoutes } from './config.routes.js';
import {
  parseBody, phoneQualityEvent, rawEvent, templateCategoryEvent, templateQualityEvent, templateStatusEvent, userPreferenceEvent, wabaEvent,
} from './events.service.js';
import { ControlError } from './inbound.service.js';
import { trafficRoutes } from './traffic.routes.js';

function eventRoutes(ctx: SimContext): Router {
  const router = express.Router();
  router.post('/user-preferences', (req, res) => void res.json(userPreferenceEvent(ctx, req.body)));
  router.post('/events/template-status', (req, res) => void res.json(templateStatusEvent(ctx, req.body)));
  router.post('/events/template-quality', (req, res) => void res.json(templateQualityEvent(ctx, req.body)));
  router.post('/events/template-category', (req, res) => void res.json(templateCategoryEvent(ctx, req.body)));
  router.post('/events/phone-quality', (req, res) => void res.json(phoneQualityEvent(ctx, req.body).config));
  router.post('/events/business-capability', (req, res) => void res.json(wabaEvent(ctx, 'business_capability_update', req.body)));
  router.post('/events/account-update', (req, res) => void res.json(wabaEvent(ctx, 'account_update', req.body)));
  router.post('/events/raw', (req, res) => void res.json(rawEvent(ctx, req.body)));
  return router;
}

function customerRoutes(customers: CustomerSimulator): Router {
  const router = express.Router();
  router.get('/customers', (_req, res) => void res.json(customers.status()));
  router.post('/customers', (req, res) => {
    const input = parseBody(z.object({ enabled: z.boolean(), phoneNumberId: z.string().optional(), meanIntervalMs: z.number().positive().optional() }), req.body);
    const options = { ...(input.phoneNumberId ? { phoneNumberId: input.phoneNumberId } : {}), ...(input.meanIntervalMs ? { meanIntervalMs: input.meanIntervalMs } : {}) };
    if (input.enabled) customers.start(options);
    else customers.stop();
    res.json(customers.status());
  });
  router.post('/customers/:waId/act', (req, res) => {
    const message = customers.actNow(req.params.waId);
    if (!message) throw new ControlError('customers are off or the persona is unknown', 404);
    res.json(message);
  });
  return router;
}

/** Test and demo control API under `/__sim/`; not part of Meta's surface. */
export function controlRouter(ctx: SimContext, customers: CustomerSimulator): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => void res.json({ ok: true, clock: ctx.clock.snapshot(), numbers: ctx.numbers.list().length }));
  router.get('/state', (_req, res) => {
    res.json({ seed: ctx.seed, clock: ctx.clock.snapshot(), sends: ctx.sends.size, inbound: ctx.inbound.size, webhooks: ctx.deliveries.size, templates: ctx.templates.all().length, refusals: Object.fromEntries(ctx.refusals) });
  });
  router.use(configRoutes(ctx));
  router.use(trafficRoutes(ctx));
  router.use(eventRoutes(ctx));
  router.use(customerRoutes(customers));
  router.use((req: Request, res: Response) => void res.status(404).json({ error: `no control route ${req.method} ${req.path}` }));
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof ControlError) return void res.status(error.status).json({ error: error.message });
    if (error instanceof SyntaxError || error instanceof z.ZodError || error instanceof RangeError) return void res.status(400).json({ error: error.message });
    ctx.log(`control error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
  });
  return router;
}

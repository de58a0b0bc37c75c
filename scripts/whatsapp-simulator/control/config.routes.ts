import express, { type Router } from 'express';
import { z } from 'zod';
import type { SimContext } from '../state/context.js';
import { verifyHandshake } from '../webhooks/emitter.js';
import { parseBody, startThroughputUpgrade } from './events.service.js';
import { ControlError, numberFor } from './inbound.service.js';

const advanceSchema = z
  .object({ ms: z.number().nonnegative().default(0), seconds: z.number().nonnegative().default(0), minutes: z.number().nonnegative().default(0), hours: z.number().nonnegative().default(0) })
  .transform((d) => d.ms + d.seconds * 1000 + d.minutes * 60_000 + d.hours * 3_600_000);

function clockRoutes(ctx: SimContext, router: Router): void {
  router.get('/clock', (_req, res) => void res.json(ctx.clock.snapshot()));
  router.post('/clock', (req, res) => {
    const input = parseBody(z.object({ frozen: z.boolean().optional(), speed: z.number().positive().optional() }), req.body);
    if (input.speed !== undefined) ctx.clock.setSpeed(input.speed);
    if (input.frozen === true) ctx.clock.freeze();
    if (input.frozen === false) ctx.clock.resume();
    res.json(ctx.clock.snapshot());
  });
  router.post('/clock/advance', (req, res) => {
    const fired = ctx.clock.advance(parseBody(advanceSchema, req.body));
    res.json({ ...ctx.clock.snapshot(), fired });
  });
}

function numberRoutes(ctx: SimContext, router: Router): void {
  router.get('/numbers', (_req, res) => void res.json({ data: ctx.numbers.list().map((number) => number.config) }));
  router.post('/numbers', (req, res) => {
    const input = parseBody(z.looseObject({ phoneNumberId: z.string() }), req.body);
    const exists = ctx.numbers.get(input.phoneNumberId) !== undefined;
    res.status(exists ? 200 : 201).json(ctx.numbers.upsert(input).config);
  });
  router.patch('/numbers/:id', (req, res) => {
    numberFor(ctx, req.params.id);
    const input = parseBody(z.looseObject({}), req.body);
    res.json(ctx.numbers.upsert({ ...input, phoneNumberId: req.params.id }).config);
  });
  router.delete('/numbers/:id', (req, res) => {
    if (!ctx.numbers.remove(req.params.id)) throw new ControlError(`unknown phone number id ${req.params.id}`, 404);
    res.json({ success: true });
  });
  router.post('/numbers/:id/throughput-upgrade', (req, res) => {
    const input = parseBody(z.object({ durationMs: z.number().int().nonnegative().default(60_000) }), req.body);
    const number = startThroughputUpgrade(ctx, req.params.id, input.durationMs);
    res.json({ phoneNumberId: number.config.phoneNumberId, upgradingUntil: number.upgradingUntil });
  });
  router.post('/numbers/:id/verify-webhook', async (req, res) => {
    const number = numberFor(ctx, req.params.id);
    const input = parseBody(z.object({ challenge: z.string().optional(), verifyToken: z.string().optional() }), req.body);
    if (!number.config.webhookUrl) throw new ControlError('the number has no webhookUrl');
    const challenge = input.challenge ?? String(ctx.random.ids.int(100_000_000, 999_999_999));
    res.json(await verifyHandshake(number.config.webhookUrl, input.verifyToken ?? number.config.verifyToken, challenge));
  });
}

export function configRoutes(ctx: SimContext): Router {
  const router = express.Router();
  clockRoutes(ctx, router);
  numberRoutes(ctx, router);
  router.get('/settings', (_req, res) => void res.json(ctx.settings));
  router.post('/settings', (req, res) => void res.json(ctx.updateSettings(req.body)));
  router.get('/chaos', (_req, res) => void res.json(ctx.chaos));
  router.post('/chaos', (req, res) => void res.json(ctx.updateChaos(req.body)));
  router.delete('/chaos', (_req, res) => void res.json(ctx.resetChaos()));
  router.get('/seed', (_req, res) => void res.json({ seed: ctx.seed }));
  router.post('/seed', (req, res) => {
    ctx.reseed(parseBody(z.object({ seed: z.union([z.string(), z.number()]).transform(String) }), req.body).seed);
    res.json({ seed: ctx.seed });
  });
  router.post('/reset', (req, res) => {
    const input = parseBody(z.object({ numbers: z.enum(['keep', 'initial']).default('keep'), seed: z.string().optional() }), req.body);
    ctx.reset(input);
    res.json({ success: true, seed: ctx.seed, clock: ctx.clock.snapshot() });
  });
  return router;
}

import express, { type Router } from 'express';
import { authorize } from '../../platform/http/route.js';
import type { WebhooksService } from './webhooks.service.js';

/**
 * Mounted before the JSON parser: the signature covers the raw bytes. Meta authenticates with
 * the signature, not a session, so these routes are public to the session layer.
 */
export function webhooksRouter(webhooks: WebhooksService): Router {
  const router = express.Router();
  router.get('/webhooks/whatsapp', authorize({ kind: 'public' }), async (req, res) => {
    const challenge = await webhooks.verifyHandshake(req.query['hub.mode'], req.query['hub.verify_token'], req.query['hub.challenge']);
    res.type('text/plain').send(challenge);
  });
  router.post(
    '/webhooks/whatsapp',
    authorize({ kind: 'public' }),
    express.raw({ type: () => true, limit: '3mb' }),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // Stored before answering: a 200 means nothing can be lost; an error here is a 5xx and Meta retries.
      const { tenantItems } = await webhooks.receive(raw, req.get('x-hub-signature-256'));
      res.status(200).json({ received: true });
      webhooks.processLater(tenantItems);
    },
  );
  return router;
}

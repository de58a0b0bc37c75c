import express, { type Express } from 'express';
import type { CustomerSimulator } from './customers/customers.js';
import { controlRouter } from './control/control.router.js';
import { graphRouter } from './graph/graph.router.js';
import { mediaDownloadRouter } from './graph/media.routes.js';
import type { SimContext } from './state/context.js';

/**
 * One HTTP app: the control API, the media download URL, then the Graph surface, which answers
 * every other path in Meta's error shape.
 */
export function buildApp(ctx: SimContext, customers: CustomerSimulator): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Graph also accepts form-encoded parameters; clients overwhelmingly send JSON.
  app.use(express.json({ limit: '5mb' }));
  app.use(express.urlencoded({ extended: true, limit: '5mb' }));
  app.use('/__sim', controlRouter(ctx, customers));
  app.use(mediaDownloadRouter(ctx));
  app.use(graphRouter(ctx));
  return app;
}

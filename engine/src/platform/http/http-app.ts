import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { httpLogLevel, httpLogSerializers, type Logger } from '../logger/logger.js';
import { readSessionToken } from '../auth/session-cookie.js';
import type { AuthContext } from './context.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { AppError } from '../errors/app-error.js';
import { authorize } from './route.js';
import { originGuard, type OriginPolicy } from './origin-guard.js';

export interface HttpAppOptions {
  logger: Logger;
  /** Hop count or trusted proxy addresses (see TRUST_PROXY in config.ts); 0 trusts no X-Forwarded-For. */
  trustProxy: number | string[];
  secureCookies: boolean;
  /** Which pages may send state-changing API requests (see origin-guard.ts). */
  origins: OriginPolicy;
  authenticate: (token: string) => Promise<AuthContext | null>;
  /** Mounted before the JSON parser: webhooks need the raw bytes to check signatures. */
  rawRouters?: Router[];
  apiRouter: Router;
  probes: Router;
  spas: { mount: string; dir: string }[];
}

/**
 * Sets up the engine's Express app: security headers, request logs, probes, the raw routers
 * (webhooks), then the API behind its Origin guard, JSON parser and session, then the web apps.
 * The app is made before the domains (the HTTP server and Socket.IO wrap it) and set up after them.
 */
export function configureHttpApp(app: Express, options: HttpAppOptions): Express {
  app.set('trust proxy', options.trustProxy);
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { directives: cspDirectives(options.secureCookies) }, hsts: options.secureCookies }));
  app.use(
    pinoHttp({
      logger: options.logger,
      serializers: httpLogSerializers,
      customLogLevel: httpLogLevel,
      genReqId: (req, res) => {
        const header = req.headers['x-request-id'];
        const id = typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: (req) => ({ tenantId: (req as express.Request).auth?.tenant?.id ?? null }),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(options.probes);
  for (const router of options.rawRouters ?? []) app.use(router);
  app.use('/api', originGuard(options.origins), express.json({ limit: '256kb', strict: true }), loadSession(options.authenticate, options.secureCookies));
  app.use(options.apiRouter);
  app.use('/api', notFoundHandler);
  for (const spa of options.spas) app.use(spa.mount, spaHandler(spa.dir));
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}

function loadSession(authenticate: HttpAppOptions['authenticate'], secure: boolean): RequestHandler {
  return (req, _res, next) => {
    const token = readSessionToken(req.headers.cookie, { secure });
    if (!token) return next();
    authenticate(token)
      .then((auth) => {
        if (auth) req.auth = auth;
        next();
      })
      .catch(next);
  };
}

/** Serves a built Vue app with history-mode fallback to its index.html. */
function spaHandler(dir: string): Router {
  const router = express.Router();
  const root = path.resolve(dir);
  router.use(express.static(root, { index: false, maxAge: '1h' }));
  // The apps themselves are public; everything they show comes from the guarded API.
  router.get(/.*/, authorize({ kind: 'public' }), (_req, res, next) => {
    const index = path.join(root, 'index.html');
    if (!existsSync(index)) {
      next(new AppError('UNAVAILABLE', `The app at ${dir} is not built yet: run npm run build`));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

function cspDirectives(secure: boolean): Record<string, string[] | null> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // The component library injects its styles at run time.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    fontSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    // On plain http (a local machine) upgrading would break every request.
    upgradeInsecureRequests: secure ? [] : null,
  };
}

import express, { type Router } from 'express';
import type { DomainMount } from '../domain.js';
import type { AuthContext } from '../http/context.js';
import { configureHttpApp } from '../http/http-app.js';
import { probesRouter } from '../http/probes.js';
import { defineRoutes, type RegisteredRoute } from '../http/route.js';
import type { SocketMount } from '../realtime/socket-server.js';
import { pingRedis } from '../redis/redis.js';
import { metricsRoutes } from './metrics.routes.js';
import type { Runtime } from './runtime.js';

export interface EngineMounts {
  /** The domains in the order they were built; they close in the reverse order. */
  domains: DomainMount[];
  /** Routers that read the raw body (the WhatsApp webhook), mounted before the JSON parser. */
  rawRouters: Router[];
  /** Who a request's session token belongs to. */
  authenticate(token: string): Promise<AuthContext | null>;
  /** The same for a socket's handshake, and which sessions still live. */
  sockets: Pick<SocketMount, 'authenticate'> & { alive: SocketMount['sessionsAlive'] };
}

export interface MountedDomains {
  /** Every route, for the route-matrix tests. */
  routes: RegisteredRoute[];
  /** Each domain's crash recovery for one tenant, in the order the domains were built. */
  sweepTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

/** Puts what the domains handed back on the HTTP app and the socket server. */
export function mountDomains(runtime: Runtime, mounts: EngineMounts): MountedDomains {
  const { config, db, redis, logger } = runtime.platform;
  const { domains } = mounts;
  const routes: RegisteredRoute[] = [];
  const apiRouter = express.Router();
  defineRoutes(apiRouter, routes, [...domains.flatMap((domain) => domain.routes ?? []), ...metricsRoutes(runtime.watchdog)]);
  configureHttpApp(runtime.app, {
    logger,
    trustProxy: config.trustProxy,
    secureCookies: config.cookieSecure,
    origins: runtime.origins,
    authenticate: mounts.authenticate,
    apiRouter,
    rawRouters: mounts.rawRouters,
    probes: probesRouter([
      { name: 'database', check: () => db.ping() },
      { name: 'redis', check: () => pingRedis(redis) },
    ]),
    spas: [
      { mount: '/admin', dir: config.adminDist },
      { mount: '/', dir: config.webDist },
    ],
  });
  runtime.sockets.accept({
    authenticate: mounts.sockets.authenticate,
    sessionsAlive: mounts.sockets.alive,
    sweepEveryMs: config.socketSessionSweepMs,
    events: domains.flatMap((domain) => domain.socketEvents ?? []),
    onConnection: domains.flatMap((domain) => (domain.onConnection ? [domain.onConnection.bind(domain)] : [])),
  });
  return {
    routes,
    // One domain's failing sweep must not keep the others' crash recovery from running.
    sweepTenant: async (tenantId) => {
      for (const domain of domains) {
        await domain.sweepTenant?.(tenantId).catch((error: unknown) => logger.error({ err: error, tenantId }, 'a domain\'s sweep failed; the next sweep tries again'));
      }
    },
    close: async () => {
      for (const domain of [...domains].reverse()) await domain.close?.();
    },
  };
}

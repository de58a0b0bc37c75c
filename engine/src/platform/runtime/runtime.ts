import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import type { Config } from '../../config/config.js';
import { Database } from '../db/database.js';
import type { Platform } from '../domain.js';
import { OriginPolicy } from '../http/origin-guard.js';
import { Jobs } from '../jobs/agenda.js';
import { createLogger } from '../logger/logger.js';
import { Mailer } from '../mail/mailer.js';
import { createSocketServer, type SocketServer } from '../realtime/socket-server.js';
import { catchUnawaitedPublishes, createRedis } from '../redis/redis.js';
import { GraphClient } from '../whatsapp/graph-client.js';
import { GraphUrlPolicy } from '../whatsapp/graph-url.js';
import { EventLoopWatchdog } from './event-loop-watchdog.js';

/**
 * One process's infrastructure, built before any domain: the log and its event-loop watchdog, the
 * database, Redis (commands, and the Socket.IO adapter's pair), the HTTP server around its Express
 * app with Socket.IO on it, the scheduler, the Graph API client and the mailer. Domains are given
 * `platform`; the engine mounts what they hand back on `app` and `sockets`.
 */
export interface Runtime {
  platform: Platform;
  app: Express;
  server: Server;
  sockets: SocketServer;
  mailer: Mailer;
  watchdog: EventLoopWatchdog;
  /** Which pages may call the API and open sockets (PUBLIC_URL, ALLOWED_ORIGINS). */
  origins: OriginPolicy;
  /** Closes the infrastructure, once every domain has closed. */
  close(): Promise<void>;
}

export async function createRuntime(config: Config): Promise<Runtime> {
  const logger = createLogger(config.logLevel);
  const watchdog = new EventLoopWatchdog(logger, config.eventLoopStallMs);
  watchdog.start();
  const db = await Database.connect(config.mongodbUri, config.dbPrefix, config.mongodbPoolSize);
  db.watchConnection(logger);
  const redis = createRedis(config.redisUrl, 'main', { logger, keyPrefix: config.dbPrefix });
  const pub = createRedis(config.redisUrl, 'socket-pub', { logger });
  catchUnawaitedPublishes(pub, logger);
  const sub = createRedis(config.redisUrl, 'socket-sub', { logger });
  // Socket.IO wraps the server's request listener and keeps /socket.io to itself; the app is set up
  // once the domains are built, before the engine listens.
  const app = express();
  const server = createServer(app);
  const origins = new OriginPolicy(config.allowedOrigins, new URL(config.publicUrl).protocol === 'https:' ? 'https:' : 'http:');
  const sockets = createSocketServer(server, { pub, sub, logger, origins });
  const graph = new GraphClient(new GraphUrlPolicy(config.graphAllowedOrigins));
  const jobs = new Jobs(db, logger, config.jobsPollMs);
  const mailer = new Mailer(db, logger, config.smtp, { key: config.encryptionKey, logBodies: config.env !== 'production' });
  return {
    platform: { config, logger, db, redis, realtime: sockets.emitter, graph, jobs },
    app,
    server,
    sockets,
    mailer,
    watchdog,
    origins,
    close: async () => {
      watchdog.stop();
      await jobs.stop();
      await sockets.io.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await graph.close();
      await Promise.all([redis.quit(), pub.quit(), sub.quit()]).catch(() => undefined);
      await db.close();
    },
  };
}

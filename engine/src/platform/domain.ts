import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import type { Database } from './db/database.js';
import type { RouteSpec } from './http/route.js';
import type { Jobs } from './jobs/agenda.js';
import type { Logger } from './logger/logger.js';
import type { RealtimeEmitter } from './realtime/emitter.js';
import type { ParleySocket, SocketEventSpec } from './realtime/socket-server.js';
import type { GraphClient } from './whatsapp/graph-client.js';

/**
 * What every domain may use and none owns: configuration, the log, the database, Redis, the
 * real-time emitter, the Graph API client and the scheduler. A domain's factory takes it first,
 * then the small typed ports of the other domains it calls (`create<Domain>Domain(platform, ports)`).
 */
export interface Platform {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  realtime: RealtimeEmitter;
  graph: GraphClient;
  jobs: Jobs;
}

/** What a domain hands the engine to mount; each part is optional. */
export interface DomainMount {
  /** HTTP routes, registered with their authorisation (the route-matrix test walks them). */
  routes?: RouteSpec[];
  /** Socket events the domain answers, each authorised. */
  socketEvents?: SocketEventSpec[];
  /** Runs for every authenticated socket connection, after its rooms are joined. */
  onConnection?(socket: ParleySocket): void;
  /** Crash recovery for one active tenant, run by the periodic sweep. */
  sweepTenant?(tenantId: string): Promise<void>;
  /** Waits for the domain's work in flight and stops its timers (the engine closes domains in reverse order). */
  close?(): Promise<void>;
}

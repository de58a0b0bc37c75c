import { Redis } from 'ioredis';
import type { Logger } from '../logger/logger.js';
import { OutageLog } from '../runtime/outage-log.js';

export interface RedisClientOptions {
  logger: Logger;
  /** Several deployments (or test runs) can share one Redis: keys carry the database prefix. */
  keyPrefix?: string;
}

/** First reconnection attempt after this long, doubling up to `RECONNECT_CAP_MS`. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_CAP_MS = 2_000;

/**
 * A Redis client that survives Redis going away: it reconnects for ever, with a capped, jittered
 * backoff (engine processes that lost the same Redis do not knock on it in step), and it logs the
 * outage once and then every half minute, not at every attempt.
 *
 * A command issued while Redis is away waits for at most one more reconnection attempt (a failover
 * that completes within it goes unnoticed), then fails with ioredis's MaxRetriesPerRequestError,
 * which callers handle like any error and the HTTP layer answers 503 (see `isOutageError`). The
 * default of ioredis would keep it for 20 attempts, about half a minute, holding requests open.
 *
 * ioredis 6 speaks RESP3 by default; the Socket.IO Redis adapter predates it, so every client
 * here speaks RESP2, which both the adapter and our Lua scripts understand.
 */
export function createRedis(url: string, name: string, options: RedisClientOptions): Redis {
  const client = new Redis(url, {
    protocol: 2,
    connectionName: `parley:${name}`,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
    ...(options.keyPrefix ? { keyPrefix: `${options.keyPrefix}:` } : {}),
  });
  watchConnection(client, `redis ${name}`, options.logger);
  return client;
}

/** Milliseconds before reconnection attempt `attempt` (1, 2, ...); never gives up. */
export function reconnectDelay(attempt: number): number {
  const base = Math.min(RECONNECT_FIRST_MS * 2 ** Math.min(attempt - 1, 10), RECONNECT_CAP_MS);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * An `error` listener is what keeps an EventEmitter's error from being thrown; this one also
 * reports the outage through `OutageLog`.
 */
function watchConnection(client: Redis, what: string, logger: Logger): void {
  const outage = new OutageLog(logger, what);
  client.on('error', (error: unknown) => outage.failed(error));
  client.on('reconnecting', () => outage.failed(new Error('connection closed')));
  client.on('ready', () => outage.recovered());
}

/**
 * The Socket.IO Redis adapter publishes without awaiting or catching: while Redis is away every
 * emit would be an unhandled rejection. Each publish of this client gets a handler that logs the
 * failure (once per outage of a few seconds); a caller that awaits the publish still sees it fail.
 */
export function catchUnawaitedPublishes(client: Redis, logger: Logger): void {
  const publish = client.publish.bind(client);
  let lastLoggedAt = 0;
  client.publish = (channel, message, callback) => {
    // ioredis would send an undefined callback to Redis as a third argument.
    const sent = callback ? publish(channel, message, callback) : publish(channel, message);
    sent.catch((error: unknown) => {
      if (Date.now() - lastLoggedAt < 10_000) return;
      lastLoggedAt = Date.now();
      logger.warn({ err: error }, 'a real-time event could not be published to other engine processes (Redis is away); connected clients refetch when they reconnect');
    });
    return sent;
  };
}

/** Readiness: answers at once while the client is reconnecting, else asks Redis itself. */
export async function pingRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') throw new Error(`redis connection is ${client.status}`);
  await client.ping();
}

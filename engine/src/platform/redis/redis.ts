import { Redis } from 'ioredis';

/**
 * ioredis 6 speaks RESP3 by default; the Socket.IO Redis adapter predates it, so every client
 * here speaks RESP2, which both the adapter and our Lua scripts understand.
 */
export function createRedis(url: string, name: string, keyPrefix?: string): Redis {
  return new Redis(url, {
    protocol: 2,
    connectionName: `parley:${name}`,
    maxRetriesPerRequest: 3,
    // Several deployments (or test runs) can share one Redis: keys carry the database prefix.
    ...(keyPrefix ? { keyPrefix: `${keyPrefix}:` } : {}),
  });
}

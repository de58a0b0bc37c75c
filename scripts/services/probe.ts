// Asks each server whether it answers: a Mongo `ping` and a Redis `PING`.
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

export async function mongoAnswers(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000, directConnection: true });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors are also emitted as events; without a listener ioredis logs them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export function mongodbUri(port: number): string {
  return `mongodb://127.0.0.1:${port}/`;
}

export function redisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}

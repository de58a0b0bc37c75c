import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger/logger.js';
import { createRedis } from '../../platform/redis/redis.js';

export interface BotCacheOptions {
  redisUrl: string;
  /** Pub/sub channel shared by every engine process of one deployment. */
  channel: string;
  logger: Logger;
  maxTenants?: number;
  /** A backstop only: invalidation is by message; this bounds the damage of a lost one. */
  maxAgeMs?: number;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
}

/**
 * Per-tenant compiled bots of this process. A change anywhere publishes the tenant id; every
 * process (this one included) drops that tenant on receipt and rebuilds on next use, so a new
 * row is live everywhere without a restart.
 *
 * Pub/sub forgets messages sent while a subscriber is disconnected, so nothing new is cached
 * unless the subscription is live, and every (re)subscription starts from an empty cache. What
 * was cached before a disconnection still answers meanwhile, for at most `maxAgeMs`.
 */
export class BotCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly publisher: Redis;
  // A connection in subscriber mode can run no other command: publishing needs its own.
  private readonly subscriber: Redis;
  private live = false;
  private readonly maxTenants: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: BotCacheOptions) {
    this.maxTenants = options.maxTenants ?? 500;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.publisher = createRedis(options.redisUrl, 'bot-pub', { logger: options.logger });
    this.subscriber = createRedis(options.redisUrl, 'bot-sub', { logger: options.logger });
    this.subscriber.on('message', (channel: string, tenantId: string) => {
      if (channel === options.channel) this.entries.delete(tenantId);
    });
    this.subscriber.on('close', () => {
      this.live = false;
    });
    this.subscriber.on('ready', () => void this.subscribe());
  }

  /** The tenant's cached value, or a fresh one from `build` (shared by concurrent callers). */
  get(tenantId: string, build: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(tenantId);
    if (entry && Date.now() - entry.at < this.maxAgeMs) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.entries.delete(tenantId);
      this.entries.set(tenantId, entry);
      return entry.value;
    }
    const value = build();
    if (this.live) this.remember(tenantId, value);
    return value;
  }

  /** After a change: forget it here at once, and tell every other process. */
  async changed(tenantId: string): Promise<void> {
    this.entries.delete(tenantId);
    try {
      await this.publisher.publish(this.options.channel, tenantId);
    } catch (error) {
      // The change itself is saved; failing the request would invite a retry of a done write.
      // Other processes catch up at their next resubscription or after maxAgeMs.
      this.options.logger.error({ err: error, tenantId }, 'could not announce a bot change to other engine processes');
    }
  }

  /**
   * Resolves once every change published before the call has reached this process. A PING on
   * the subscriber connection is answered after the messages queued before it, in order.
   */
  async sync(): Promise<void> {
    await this.subscriber.subscribe(this.options.channel);
    await this.subscriber.ping();
  }

  async close(): Promise<void> {
    this.live = false;
    this.entries.clear();
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  private remember(tenantId: string, value: Promise<T>): void {
    this.entries.set(tenantId, { value, at: Date.now() });
    if (this.entries.size > this.maxTenants) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    // A failed build is not kept: the next message tries again.
    value.catch(() => {
      if (this.entries.get(tenantId)?.value === value) this.entries.delete(tenantId);
    });
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.options.channel);
      this.entries.clear();
      this.live = true;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'bot cache could not subscribe; compiling without cache until it does');
    }
  }
}

import type { Redis } from 'ioredis';
import { newToken, hashToken } from '../crypto/tokens.js';

export interface SessionData {
  userId: string;
  /** The tenant this session works in; null for a platform admin outside any tenant. */
  tenantId: string | null;
  createdAt: string;
  ip: string | null;
}

/**
 * Sessions live in Redis under the hash of the cookie's token, with a sliding expiry, and each
 * user has a set of their session keys so deactivation or a password reset can end them all.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  async create(data: SessionData): Promise<string> {
    const { token, hash } = newToken();
    await this.redis
      .multi()
      .set(this.key(hash), JSON.stringify(data), 'EX', this.ttlSeconds)
      .sadd(this.userKey(data.userId), hash)
      .expire(this.userKey(data.userId), this.ttlSeconds)
      .exec();
    return token;
  }

  async get(token: string): Promise<{ id: string; data: SessionData } | null> {
    const hash = hashToken(token);
    const raw = await this.redis.getex(this.key(hash), 'EX', this.ttlSeconds);
    if (!raw) return null;
    return { id: hash, data: JSON.parse(raw) as SessionData };
  }

  async update(id: string, data: SessionData): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(data), 'EX', this.ttlSeconds);
  }

  async destroy(id: string, userId: string): Promise<void> {
    await this.redis.multi().del(this.key(id)).srem(this.userKey(userId), id).exec();
  }

  async destroyAllForUser(userId: string): Promise<void> {
    const ids = await this.redis.smembers(this.userKey(userId));
    const pipeline = this.redis.multi().del(this.userKey(userId));
    for (const id of ids) pipeline.del(this.key(id));
    await pipeline.exec();
  }

  private key(id: string): string {
    return `sess:${id}`;
  }

  private userKey(userId: string): string {
    return `user-sess:${userId}`;
  }
}

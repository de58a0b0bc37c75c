import type { Redis } from 'ioredis';
import { z } from 'zod';
import { newToken, hashToken } from '../crypto/tokens.js';

const sessionDataSchema = z.object({
  userId: z.string(),
  tenantId: z.string().nullable(),
  createdAt: z.string(),
  ip: z.string().nullable(),
});

export interface SessionData {
  userId: string;
  /** The tenant this session works in; null for a platform admin outside any tenant. */
  tenantId: string | null;
  /** When the person signed in: the absolute lifetime counts from here, however the session is used. */
  createdAt: string;
  ip: string | null;
}

export interface SessionLifetimes {
  /** A session unused this long ends; each use starts the count again. */
  idleSeconds: number;
  /** A session ends this long after sign-in, however often it is used. */
  absoluteSeconds: number;
}

export type SessionEndCode = 'DEACTIVATED' | 'LOGGED_OUT';

/** Ends the live connections (sockets) of revoked sessions, on every engine process. */
export interface SessionSockets {
  endSession(sessionId: string, code: 'LOGGED_OUT'): void;
  endUserSessions(userId: string, code: SessionEndCode): void;
  /** Closes a user's sockets without ending their sessions: they reconnect with their rights of now. */
  reconnectUser(userId: string): void;
}

/**
 * Sessions live in Redis under the hash of the cookie's token, with a sliding idle expiry capped by
 * an absolute one. Each user has an index of their sessions (a sorted set scored by when each ends)
 * so that deactivation or a password reset can end them all. The index must outlive every session
 * it lists: every session ends at most `absoluteSeconds` after it was created, so the index's
 * expiry is set to that span at each sign-in and the newest session is always the last to end.
 * Revoking a session also ends its sockets, so no caller can forget them.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly lifetimes: SessionLifetimes,
    private readonly sockets: SessionSockets,
  ) {}

  async create(data: SessionData): Promise<string> {
    const { token, hash } = newToken();
    const now = Date.now();
    await this.redis
      .multi()
      .set(this.key(hash), JSON.stringify(data), 'EX', Math.max(1, this.secondsLeft(data, now)))
      .zadd(this.userKey(data.userId), this.endsAt(data), hash)
      // Sessions that reached their absolute end are gone: their entries would only grow the index.
      .zremrangebyscore(this.userKey(data.userId), '-inf', now)
      .expire(this.userKey(data.userId), this.lifetimes.absoluteSeconds)
      .exec();
    return token;
  }

  /** The session a cookie's token opens, if it is alive; using it restarts its idle expiry. */
  async get(token: string): Promise<{ id: string; data: SessionData } | null> {
    const hash = hashToken(token);
    // When the idle lifetime is no shorter than the absolute one (the defaults), the key's expiry
    // set at sign-in already ends it: a plain read, one round trip per request.
    const idleEndsFirst = this.lifetimes.idleSeconds < this.lifetimes.absoluteSeconds;
    const raw = idleEndsFirst ? await this.redis.getex(this.key(hash), 'EX', this.lifetimes.idleSeconds) : await this.redis.get(this.key(hash));
    const parsed = raw === null ? null : sessionDataSchema.safeParse(safeJson(raw));
    if (!parsed?.success) return null;
    const now = Date.now();
    if (this.endsAt(parsed.data) <= now) {
      await this.destroy(hash, parsed.data.userId);
      return null;
    }
    const left = this.secondsLeft(parsed.data, now);
    // Near its absolute end the idle expiry would reach past it; the key goes when the session does.
    if (idleEndsFirst && left < this.lifetimes.idleSeconds) await this.redis.expire(this.key(hash), left);
    return { id: hash, data: parsed.data };
  }

  async update(id: string, data: SessionData): Promise<void> {
    const left = this.secondsLeft(data, Date.now());
    if (left <= 0) return void (await this.redis.del(this.key(id)));
    await this.redis.set(this.key(id), JSON.stringify(data), 'EX', left);
  }

  /** Which of these sessions are still alive (one round trip, for the socket sweep). */
  async alive(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    return new Set(ids.filter((_id, i) => results[i]?.[1] === 1));
  }

  /** Signs one session out (logout) and closes its sockets. */
  async destroy(id: string, userId: string): Promise<void> {
    await this.redis.multi().del(this.key(id)).zrem(this.userKey(userId), id).srem(this.legacyUserKey(userId), id).exec();
    this.sockets.endSession(id, 'LOGGED_OUT');
  }

  /** Ends every session of a user (deactivation, password reset) and closes their sockets. */
  async destroyAllForUser(userId: string, code: SessionEndCode = 'LOGGED_OUT'): Promise<void> {
    const [listed, legacy] = await Promise.all([this.redis.zrange(this.userKey(userId), '0', '-1'), this.redis.smembers(this.legacyUserKey(userId))]);
    const ids = [...new Set([...listed, ...legacy])];
    const pipeline = this.redis.multi().del(this.legacyUserKey(userId));
    for (const id of ids) pipeline.del(this.key(id));
    // Only the entries read are removed: a session opened meanwhile stays listed for the next revoke.
    if (listed.length > 0) pipeline.zrem(this.userKey(userId), ...listed);
    await pipeline.exec();
    this.sockets.endUserSessions(userId, code);
  }

  /** A user's roles changed: their sessions stand, but sockets joined with the old rights must reconnect. */
  rightsChanged(userId: string): void {
    this.sockets.reconnectUser(userId);
  }

  private endsAt(data: SessionData): number {
    const created = Date.parse(data.createdAt);
    return (Number.isFinite(created) ? created : 0) + this.lifetimes.absoluteSeconds * 1000;
  }

  /** Whole seconds the session may still live: its idle span, cut at its absolute end. */
  private secondsLeft(data: SessionData, now: number): number {
    return Math.min(this.lifetimes.idleSeconds, Math.ceil((this.endsAt(data) - now) / 1000));
  }

  private key(id: string): string {
    return `sess:${id}`;
  }

  private userKey(userId: string): string {
    return `user-sessions:${userId}`;
  }

  /** The index of earlier versions (a plain set); still read so that revoking ends the sessions it lists. */
  private legacyUserKey(userId: string): string {
    return `user-sess:${userId}`;
  }
}

/** A value that is not JSON (written by hand, or damaged) is no session: null, which the schema refuses. */
function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';

export interface LoginLimits {
  perAccount: number;
  perIp: number;
  blockSeconds: number;
}

/**
 * Counts failed logins per IP and per account in Redis (atomic Lua inside the library), so the
 * limit holds across every engine process. Only failures count, so signing in correctly is never
 * slowed; a block ends on its own after `blockSeconds`.
 */
export class LoginLimiter {
  private readonly byIp: RateLimiterRedis;
  private readonly byAccount: RateLimiterRedis;

  constructor(redis: Redis, limits: LoginLimits) {
    this.byIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'login-fail-ip',
      points: limits.perIp,
      duration: 60 * 60,
      blockDuration: limits.blockSeconds,
    });
    this.byAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'login-fail-account',
      points: limits.perAccount,
      duration: 60 * 60,
      blockDuration: limits.blockSeconds,
    });
  }

  /** Throws 429 when either the IP or the account is blocked. */
  async check(ip: string, account: string): Promise<void> {
    const [ipState, accountState] = await Promise.all([this.byIp.get(ip), this.byAccount.get(account)]);
    const blocked = [ipState, accountState].filter(
      (state): state is RateLimiterRes => state !== null && state.remainingPoints <= 0,
    );
    if (blocked.length > 0) throw tooMany(Math.max(...blocked.map((state) => state.msBeforeNext)));
  }

  async recordFailure(ip: string, account: string): Promise<void> {
    await Promise.all([this.byIp.penalty(ip, 1), this.byAccount.penalty(account, 1)]);
    const [ipState, accountState] = await Promise.all([this.byIp.get(ip), this.byAccount.get(account)]);
    for (const [limiter, key, state] of [
      [this.byIp, ip, ipState],
      [this.byAccount, account, accountState],
    ] as const) {
      if (state && state.remainingPoints <= 0) await limiter.block(key, limiter.blockDuration);
    }
  }

  async recordSuccess(account: string): Promise<void> {
    await this.byAccount.delete(account);
  }
}

function tooMany(msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
  });
}

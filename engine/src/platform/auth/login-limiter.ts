import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';

export interface LoginLimits {
  /** Failed password checks per account, then per IP, within an hour before a block. */
  perAccount: number;
  perIp: number;
  blockSeconds: number;
  /** Password checks of any outcome per minute, counted before the hash runs. */
  attemptsPerMinute: { ip: number; account: number };
  /** Password-reset requests per hour, per IP and per email (known or not). */
  resetsPerHour: { ip: number; email: number };
}

/**
 * Every limit in front of a password check, in Redis (atomic Lua inside the library) so that
 * they hold across every engine process. Two kinds: failures per IP and per account, which block
 * for `blockSeconds` (a lockout that a correct password does not lift); and attempts of any
 * outcome per minute, counted *before* the memory-hard hash, so a flood is turned away for the
 * price of one Redis round trip. Both apply to sign-in and to accepting an invitation with an
 * existing account: they are the same password check and share the same counters.
 */
export class LoginLimiter {
  private readonly failuresByIp: RateLimiterRedis;
  private readonly failuresByAccount: RateLimiterRedis;
  private readonly attemptsByIp: RateLimiterRedis;
  private readonly attemptsByAccount: RateLimiterRedis;
  private readonly resetsByIp: RateLimiterRedis;
  private readonly resetsByEmail: RateLimiterRedis;

  constructor(redis: Redis, limits: LoginLimits) {
    const limiter = (keyPrefix: string, points: number, duration: number, blockDuration = 0) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, blockDuration });
    this.failuresByIp = limiter('login-fail-ip', limits.perIp, 3600, limits.blockSeconds);
    this.failuresByAccount = limiter('login-fail-account', limits.perAccount, 3600, limits.blockSeconds);
    this.attemptsByIp = limiter('login-try-ip', limits.attemptsPerMinute.ip, 60);
    this.attemptsByAccount = limiter('login-try-account', limits.attemptsPerMinute.account, 60);
    this.resetsByIp = limiter('reset-ip', limits.resetsPerHour.ip, 3600);
    this.resetsByEmail = limiter('reset-email', limits.resetsPerHour.email, 3600);
  }

  /**
   * First thing before a password check: counts the attempt, and throws 429 RATE_LIMITED when the
   * IP or the account made too many this minute. Not audited: a flood must not become one
   * database write per request.
   */
  async admit(ip: string, account: string): Promise<void> {
    await consumeBoth([this.attemptsByIp, ip], [this.attemptsByAccount, account], 'Too many sign-in attempts.');
  }

  /** Throws 429 RATE_LIMITED when the IP or the account is blocked after too many failures. */
  async check(ip: string, account: string): Promise<void> {
    const [ipState, accountState] = await Promise.all([this.failuresByIp.get(ip), this.failuresByAccount.get(account)]);
    const blocked = [ipState, accountState].filter(
      (state): state is RateLimiterRes => state !== null && state.remainingPoints <= 0,
    );
    if (blocked.length > 0) throw tooMany('Too many failed sign-in attempts.', Math.max(...blocked.map((state) => state.msBeforeNext)));
  }

  async recordFailure(ip: string, account: string): Promise<void> {
    // A penalty answers with the state it left: no second read.
    const [ipState, accountState] = await Promise.all([this.failuresByIp.penalty(ip, 1), this.failuresByAccount.penalty(account, 1)]);
    for (const [limiter, key, state] of [
      [this.failuresByIp, ip, ipState],
      [this.failuresByAccount, account, accountState],
    ] as const) {
      if (state && state.remainingPoints <= 0) await limiter.block(key, limiter.blockDuration);
    }
  }

  async recordSuccess(account: string): Promise<void> {
    await this.failuresByAccount.delete(account);
  }

  /** Counts a password-reset request; the email counts whether or not it has an account. */
  async checkReset(ip: string, email: string): Promise<void> {
    await consumeBoth([this.resetsByIp, ip], [this.resetsByEmail, email], 'Too many password-reset requests.');
  }
}

async function consumeBoth(first: [RateLimiterRedis, string], second: [RateLimiterRedis, string], message: string): Promise<void> {
  const results = await Promise.allSettled([first[0].consume(first[1]), second[0].consume(second[1])]);
  const refused: unknown[] = [];
  for (const result of results) if (result.status === 'rejected') refused.push(result.reason);
  // The library rejects with its own result when the limit is reached, with an Error when Redis fails.
  const failure = refused.find((reason) => !(reason instanceof RateLimiterRes));
  if (failure !== undefined) throw failure;
  const limited = refused.filter((reason): reason is RateLimiterRes => reason instanceof RateLimiterRes);
  if (limited.length > 0) throw tooMany(message, Math.max(...limited.map((state) => state.msBeforeNext)));
}

function tooMany(message: string, msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', `${message} Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
}

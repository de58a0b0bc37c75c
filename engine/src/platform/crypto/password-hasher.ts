import { AppError } from '../errors/app-error.js';
import { DECOY_HASH_PROMISE, hashPassword, verifyPassword, type ScryptCost } from './passwords.js';

export interface HashCapacity {
  /** Hashes running at once in this process (each holds 128 MiB at the production cost). */
  concurrent: number;
  /** Hashes waiting for a free slot; one more is refused at once rather than queued. */
  waiting: number;
}

/**
 * The one way request handlers hash or check passwords. The memory-hard hash is the costliest
 * thing an unauthenticated request can ask for, so the process runs a bounded number at once and
 * keeps a bounded line: a burst of sign-ins beyond both answers 503 UNAVAILABLE with Retry-After
 * instead of piling up memory and latency for everyone. Limits per IP and per account (Redis)
 * run before this, so one client cannot take every slot for long.
 */
export class PasswordHasher {
  private active = 0;
  private readonly line: (() => void)[] = [];
  private readonly decoy: Promise<string>;

  constructor(
    private readonly cost: ScryptCost,
    private readonly capacity: HashCapacity,
  ) {
    this.decoy = DECOY_HASH_PROMISE(cost);
  }

  hash(password: string): Promise<string> {
    return this.withSlot(() => hashPassword(password, this.cost));
  }

  /**
   * Whether `password` opens `stored`. With no stored hash (no such account) a decoy is checked
   * instead, so the answer takes as long either way and does not tell which accounts exist.
   */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const against = stored ?? (await this.decoy);
    const valid = await this.withSlot(() => verifyPassword(password, against));
    return stored !== null && valid;
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.capacity.concurrent) {
      this.active++;
      return Promise.resolve();
    }
    if (this.line.length >= this.capacity.waiting) return Promise.reject(busy());
    return new Promise((resolve) => this.line.push(resolve));
  }

  /** Hands the slot straight to the next in line, or frees it. */
  private release(): void {
    const next = this.line.shift();
    if (next) next();
    else this.active--;
  }
}

function busy(): AppError {
  return new AppError('UNAVAILABLE', 'Too many sign-ins are being checked right now. Try again in a moment.', { retryAfterSeconds: 1 });
}

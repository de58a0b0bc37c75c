/** A token bucket on virtual time: capacity tokens, refilled continuously at one token per `refillMs`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private capacity: number,
    private refillMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  reshape(capacity: number, refillMs: number, now: number): void {
    this.refill(now);
    // A raised limit (the throughput upgrade) is usable at once; a lowered one caps what is left.
    this.tokens = Math.min(this.tokens + Math.max(0, capacity - this.capacity), capacity);
    this.capacity = capacity;
    this.refillMs = refillMs;
  }

  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.refillMs);
    this.updatedAt = now;
  }
}

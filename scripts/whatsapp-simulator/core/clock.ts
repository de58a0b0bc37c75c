/**
 * Virtual time for everything the simulator schedules: status timelines, webhook redelivery,
 * template review, token-bucket refills and the 24-hour customer-service window. Tests freeze it and
 * advance it explicitly, so they assert behaviour without waiting on wall-clock time; the demo runs it
 * at real speed (or faster).
 */
export interface ClockOptions {
  /** Virtual epoch milliseconds at start; defaults to the wall clock. */
  start?: number;
  frozen?: boolean;
  /** Virtual milliseconds per real millisecond while running. */
  speed?: number;
  onError?: (error: unknown) => void;
}

export interface ClockSnapshot {
  now: number;
  iso: string;
  frozen: boolean;
  speed: number;
  pendingTimers: number;
}

interface Timer {
  id: number;
  at: number;
  seq: number;
  run: () => void;
}

export class VirtualClock {
  private anchorVirtual: number;
  private anchorReal = Date.now();
  private isFrozen: boolean;
  private rate: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private realTimer: NodeJS.Timeout | null = null;
  private firing = false;
  private readonly onError: (error: unknown) => void;

  constructor(options: ClockOptions = {}) {
    this.anchorVirtual = options.start ?? Date.now();
    this.isFrozen = options.frozen ?? false;
    this.rate = options.speed ?? 1;
    this.onError = options.onError ?? ((error) => console.error('[wa-sim] timer failed', error));
  }

  now(): number {
    if (this.isFrozen) return this.anchorVirtual;
    return Math.floor(this.anchorVirtual + (Date.now() - this.anchorReal) * this.rate);
  }

  snapshot(): ClockSnapshot {
    const now = this.now();
    return { now, iso: new Date(now).toISOString(), frozen: this.isFrozen, speed: this.rate, pendingTimers: this.timers.length };
  }

  freeze(): void {
    this.reanchor(this.now());
    this.isFrozen = true;
    this.arm();
  }

  resume(): void {
    this.reanchor(this.now());
    this.isFrozen = false;
    this.arm();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError('speed must be positive');
    this.reanchor(this.now());
    this.rate = speed;
    this.arm();
  }

  /** Moves time forward, firing every timer that falls due, each at its own virtual instant. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('advance needs a non-negative duration');
    const target = this.now() + ms;
    const fired = this.runDue(target);
    this.reanchor(target);
    this.arm();
    return fired;
  }

  setTimeout(run: () => void, delayMs: number): number {
    const id = this.nextId++;
    const timer: Timer = { id, at: this.now() + Math.max(0, delayMs), seq: id, run };
    const index = this.insertionIndex(timer);
    this.timers.splice(index, 0, timer);
    if (index === 0) this.arm();
    return id;
  }

  clearTimeout(id: number): void {
    const index = this.timers.findIndex((timer) => timer.id === id);
    if (index >= 0) this.timers.splice(index, 1);
  }

  /** Drops every pending timer (reset, shutdown). */
  clearAll(): void {
    this.timers = [];
    this.arm();
  }

  dispose(): void {
    this.timers = [];
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
  }

  private reanchor(virtual: number): void {
    this.anchorVirtual = virtual;
    this.anchorReal = Date.now();
  }

  private insertionIndex(timer: Timer): number {
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = this.timers[mid];
      if (other && (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq))) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private runDue(upTo: number): number {
    if (this.firing) return 0;
    this.firing = true;
    let fired = 0;
    try {
      for (let timer = this.timers[0]; timer && timer.at <= upTo; timer = this.timers[0]) {
        this.timers.shift();
        // Timestamps taken inside the callback read the timer's own instant, not the target.
        if (timer.at > this.now()) this.reanchor(timer.at);
        fired++;
        try {
          timer.run();
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.firing = false;
    }
    return fired;
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
    const next = this.timers[0];
    if (this.isFrozen || !next) return;
    const wait = Math.max(0, (next.at - this.now()) / this.rate);
    this.realTimer = setTimeout(() => {
      this.realTimer = null;
      this.runDue(this.now());
      this.arm();
    }, Math.min(wait, 2_147_483_647));
    this.realTimer.unref();
  }
}

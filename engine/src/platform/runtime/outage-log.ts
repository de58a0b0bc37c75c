import type { Logger } from '../logger/logger.js';

/**
 * Logs a dependency's connection going away and coming back without a line per failed retry: a
 * client reconnecting every second for a minute would otherwise write sixty identical errors
 * (times every client). The first error of an outage is logged at once, then at most one
 * summary per `everyMs` while it lasts, and one line when the connection is back.
 */
export class OutageLog {
  private downSince: number | null = null;
  private errorsSinceLog = 0;
  private lastLogAt = 0;

  constructor(
    private readonly logger: Logger,
    /** What is connected to, as the log names it: `redis main`, `database`. */
    private readonly what: string,
    private readonly everyMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get isDown(): boolean {
    return this.downSince !== null;
  }

  /** The connection failed or an attempt to reconnect did. */
  failed(error: unknown): void {
    const now = this.now();
    if (this.downSince === null) {
      this.downSince = now;
      this.lastLogAt = now;
      this.errorsSinceLog = 0;
      this.logger.warn({ err: error, dependency: this.what }, `${this.what}: connection lost; reconnecting`);
      return;
    }
    this.errorsSinceLog += 1;
    if (now - this.lastLogAt < this.everyMs) return;
    this.logger.warn(
      { err: error, dependency: this.what, downForMs: now - this.downSince, failedAttempts: this.errorsSinceLog },
      `${this.what}: still unreachable; reconnecting`,
    );
    this.lastLogAt = now;
    this.errorsSinceLog = 0;
  }

  /** The connection is usable again. */
  recovered(): void {
    if (this.downSince === null) return;
    this.logger.info({ dependency: this.what, downForMs: this.now() - this.downSince }, `${this.what}: connection back`);
    this.downSince = null;
  }
}

/**
 * A bounded pool of workers with per-key ordering: jobs with the same key run one after the
 * other in arrival order; jobs with different keys run side by side, at most `concurrency` at once.
 * Urgent jobs (a customer waiting for an answer) go before the others. The concurrency may be a
 * function, asked before each start: a caller that lowers it for a while calls `wake` when it
 * rises again.
 */
export class KeyedWorkQueue {
  private readonly waiting: { key: string; run: () => Promise<void>; urgent: boolean }[] = [];
  private readonly busyKeys = new Set<string>();
  private running = 0;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly concurrency: number | (() => number)) {}

  push(key: string, run: () => Promise<void>, urgent = false): void {
    this.waiting.push({ key, run, urgent });
    this.pump();
  }

  get size(): number {
    return this.waiting.length + this.running;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  /** Starts what may start now (after the concurrency has risen). */
  wake(): void {
    this.pump();
  }

  private pump(): void {
    const limit = () => (typeof this.concurrency === 'number' ? this.concurrency : Math.max(1, this.concurrency()));
    while (this.running < limit()) {
      const free = (job: { key: string }) => !this.busyKeys.has(job.key);
      const urgent = this.waiting.findIndex((job) => job.urgent && free(job));
      const index = urgent >= 0 ? urgent : this.waiting.findIndex(free);
      if (index < 0) break;
      const [job] = this.waiting.splice(index, 1);
      if (!job) break;
      this.start(job);
    }
    if (this.size === 0) {
      for (const resolve of this.idleResolvers.splice(0)) resolve();
    }
  }

  private start(job: { key: string; run: () => Promise<void> }): void {
    this.running++;
    this.busyKeys.add(job.key);
    job
      .run()
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        this.busyKeys.delete(job.key);
        this.pump();
      });
  }
}

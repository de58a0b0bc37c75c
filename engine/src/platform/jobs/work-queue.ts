interface Job {
  key: string;
  run: () => Promise<void>;
  urgent: boolean;
  /** Arrival order. */
  seq: number;
}

/** Urgent first, then in arrival order. */
function before(a: Job, b: Job): boolean {
  return a.urgent !== b.urgent ? a.urgent : a.seq < b.seq;
}

/** The next jobs of the keys free to start, the one to start first on top (a binary heap). */
class ReadyHeap {
  private readonly jobs: Job[] = [];

  push(job: Job): void {
    const jobs = this.jobs;
    jobs.push(job);
    for (let i = jobs.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(job, jobs[parent] as Job)) break;
      jobs[i] = jobs[parent] as Job;
      jobs[parent] = job;
      i = parent;
    }
  }

  pop(): Job | undefined {
    const jobs = this.jobs;
    const top = jobs[0];
    const last = jobs.pop();
    if (top === undefined || last === undefined || jobs.length === 0) return top;
    jobs[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < jobs.length && before(jobs[left] as Job, jobs[first] as Job)) first = left;
      if (right < jobs.length && before(jobs[right] as Job, jobs[first] as Job)) first = right;
      if (first === i) break;
      jobs[i] = jobs[first] as Job;
      jobs[first] = last;
      i = first;
    }
    return top;
  }
}

/** First in, first out, with constant-time removal at the front. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    // Drop the consumed front once it is most of the array, so memory follows what is queued.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * A bounded pool of workers with per-key ordering: jobs with the same key run one after the
 * other in arrival order; jobs with different keys run side by side, at most `concurrency` at once.
 * The next job to start is the urgent one (a customer waiting for an answer) before the others,
 * then the one that arrived first, among keys with nothing running. The concurrency may be a
 * function, asked before each start: a caller that lowers it for a while calls `wake` when it
 * rises again.
 *
 * Each key keeps its own line of jobs, and only the head of each free key's line competes to
 * start, so starting a job costs about the same with ten jobs queued or a backlog of a hundred
 * thousand.
 */
export class KeyedWorkQueue {
  /** Jobs not started, per key, in arrival order; a line's head is in `ready` while its key is free. */
  private readonly lines = new Map<string, Fifo<Job>>();
  private readonly ready = new ReadyHeap();
  private readonly busyKeys = new Set<string>();
  private waiting = 0;
  private arrivals = 0;
  private running = 0;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly concurrency: number | (() => number)) {}

  push(key: string, run: () => Promise<void>, urgent = false): void {
    const job: Job = { key, run, urgent, seq: this.arrivals++ };
    const line = this.lines.get(key);
    if (line) {
      line.push(job);
    } else {
      const fresh = new Fifo<Job>();
      fresh.push(job);
      this.lines.set(key, fresh);
      if (!this.busyKeys.has(key)) this.ready.push(job);
    }
    this.waiting += 1;
    this.pump();
  }

  get size(): number {
    return this.waiting + this.running;
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
      const head = this.ready.pop();
      if (!head) break;
      const line = this.lines.get(head.key);
      const job = line?.shift();
      if (!line || !job) continue;
      if (line.length === 0) this.lines.delete(head.key);
      this.waiting -= 1;
      this.start(job);
    }
    if (this.size === 0) {
      for (const resolve of this.idleResolvers.splice(0)) resolve();
    }
  }

  private start(job: Job): void {
    this.running++;
    this.busyKeys.add(job.key);
    job
      .run()
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        this.busyKeys.delete(job.key);
        const next = this.lines.get(job.key)?.peek();
        if (next) this.ready.push(next);
        this.pump();
      });
  }
}

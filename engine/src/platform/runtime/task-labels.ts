import { performance } from 'node:perf_hooks';

/** A synchronous stretch of a labelled unit of work that took long enough to remember. */
export interface SyncSegment {
  label: string;
  /** `performance.now()` at its start and end. */
  start: number;
  end: number;
}

export interface InFlight {
  label: string;
  forMs: number;
}

/** Segments shorter than this are not kept: they cannot be the stall the watchdog looks for. */
const REMEMBERED_SEGMENT_MS = 20;
const REMEMBERED_SEGMENTS = 16;
/**
 * Units that ended lately are kept a while: the unit that held the loop may finish in the
 * microtasks right after its stall, before the watchdog's timer runs and looks.
 */
const REMEMBERED_FINISHED = 64;

/**
 * What the process is working on, for the event-loop watchdog to name the work that held the
 * loop. A unit of work (a webhook item, a job run, a sweep) runs through `run` with a label:
 *
 * - its synchronous part (up to its first `await`) is timed, and a long one is remembered with
 *   its label, so a stall inside it is named exactly;
 * - it counts as in flight until it settles, so a stall in a later part (after an `await`, where
 *   no hook follows it) is reported with the units that were in flight when it began, one of
 *   which held it.
 *
 * The cost is two clock reads and a map entry per unit: no async_hooks, which would put a
 * callback on every promise of the process.
 */
export class TaskLabels {
  private readonly inFlight = new Map<number, { label: string; since: number }>();
  private readonly segments: SyncSegment[] = [];
  private readonly finished: { label: string; since: number; end: number }[] = [];
  private next = 0;

  run<T>(label: string, work: () => Promise<T>): Promise<T> {
    const id = this.next++;
    const start = performance.now();
    this.inFlight.set(id, { label, since: start });
    let running: Promise<T>;
    try {
      running = work();
    } catch (error) {
      running = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.remember(label, start, performance.now());
    }
    return running.finally(() => {
      this.inFlight.delete(id);
      this.finished.push({ label, since: start, end: performance.now() });
      if (this.finished.length > REMEMBERED_FINISHED) this.finished.shift();
    });
  }

  /** The labelled synchronous stretch that overlapped `[from, to]` the longest, if any. */
  segmentDuring(from: number, to: number): SyncSegment | null {
    let best: SyncSegment | null = null;
    let bestOverlap = 0;
    for (const segment of this.segments) {
      const overlap = Math.min(to, segment.end) - Math.max(from, segment.start);
      if (overlap > bestOverlap) {
        best = segment;
        bestOverlap = overlap;
      }
    }
    return best;
  }

  /** Units that were under way at `at` (a `performance.now()`), the longest-running first, at most `limit`. */
  underWayAt(at: number, limit = 10): InFlight[] {
    const running = [...this.inFlight.values()].filter((unit) => unit.since <= at);
    const ended = this.finished.filter((unit) => unit.since <= at && unit.end >= at);
    return [...running, ...ended]
      .sort((a, b) => a.since - b.since)
      .slice(0, limit)
      .map(({ label, since }) => ({ label, forMs: Math.round(at - since) }));
  }

  private remember(label: string, start: number, end: number): void {
    if (end - start < REMEMBERED_SEGMENT_MS) return;
    this.segments.push({ label, start, end });
    if (this.segments.length > REMEMBERED_SEGMENTS) this.segments.shift();
  }
}

/** The process's one tracker: the event loop it watches is the process's too. */
export const tasks = new TaskLabels();

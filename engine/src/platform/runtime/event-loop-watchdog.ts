import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from '../logger/logger.js';
import { tasks as processTasks, type InFlight, type TaskLabels } from './task-labels.js';

/** How often the watchdog's own timer wakes; a stall is its lateness. */
const TICK_MS = 20;

export interface Stall {
  ms: number;
  /** The labelled unit whose synchronous part held the loop, when known exactly. */
  task: string | null;
  /** Otherwise (or as well): the units under way when the stall began, one of which held it. */
  inFlight: InFlight[];
}

export interface EventLoopMetrics {
  /** Delay percentiles (ms) since the last read, from perf_hooks' histogram. */
  delay: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Stalls at or over the threshold since the engine started, and the longest one (ms). */
  stalls: number;
  stalledMsTotal: number;
  longestStallMs: number;
}

/**
 * Measures how late the event loop runs, and logs the work that held it at least `stallMs`:
 * while it is held, no request is answered, no webhook acknowledged, no socket event sent, for
 * every tenant of the process. Two instruments: perf_hooks' delay histogram for the metrics, and
 * a short timer whose lateness marks a stall as soon as the loop is free again, when the watchdog
 * asks `TaskLabels` what was running at its start.
 */
export class EventLoopWatchdog {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private stalls = 0;
  private stalledMsTotal = 0;
  private longestStallMs = 0;

  constructor(
    private readonly logger: Logger,
    private readonly stallMs: number,
    private readonly tasks: TaskLabels = processTasks,
  ) {}

  start(): void {
    if (this.timer) return;
    this.histogram.enable();
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // The watchdog never keeps a process alive that has nothing else to do.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }

  /** The delay histogram is read and reset, as a scrape does; stall counters keep counting. */
  read(): EventLoopMetrics {
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);
    const h = this.histogram;
    const delay = { p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) };
    h.reset();
    return { delay, stalls: this.stalls, stalledMsTotal: Math.round(this.stalledMsTotal), longestStallMs: Math.round(this.longestStallMs) };
  }

  private tick(): void {
    const now = performance.now();
    const began = this.lastTick + TICK_MS;
    this.lastTick = now;
    const late = now - began;
    if (late < this.stallMs) return;
    this.stalls += 1;
    this.stalledMsTotal += late;
    this.longestStallMs = Math.max(this.longestStallMs, late);
    this.report({ ms: Math.round(late), task: this.tasks.segmentDuring(began, now)?.label ?? null, inFlight: this.tasks.underWayAt(began) });
  }

  private report(stall: Stall): void {
    const by = stall.task ?? (stall.inFlight.length > 0 ? `one of: ${stall.inFlight.map((unit) => unit.label).join('; ')}` : 'unlabelled work');
    this.logger.warn({ stalledMs: stall.ms, task: stall.task, inFlight: stall.inFlight }, `event loop blocked for ${stall.ms} ms by ${by}`);
  }
}

import type { ImportCounts } from '@parley/common';
import type { Logger } from '../../platform/logger/logger.js';

export interface ImportProgress {
  processed: number;
  counts: ImportCounts;
}

export interface Heartbeat {
  /** How far the run got; the next beat stores it. */
  report(progress: ImportProgress): void;
  readonly latest: ImportProgress;
  /** Stops beating and waits for a beat in flight, so that none lands after the run's end. */
  stop(): Promise<void>;
}

/**
 * While a run lives, it says so every `everyMs` with how far it got: a run whose engine went down
 * falls silent, and the sweep marks it failed. Beats never overlap, since FerretDB updates are a
 * read then a replace (DESIGN §4) and two at once could store the older progress.
 */
export function startHeartbeat(beat: (progress: ImportProgress) => Promise<void>, everyMs: number, logger: Logger, initial: ImportProgress): Heartbeat {
  let latest = initial;
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const progress = latest;
    inFlight = inFlight.then(() => beat(progress)).catch((error: unknown) => logger.warn({ err: error }, 'an import heartbeat was not stored'));
  }, everyMs);
  timer.unref();
  return {
    report: (progress) => {
      latest = progress;
    },
    get latest() {
      return latest;
    },
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

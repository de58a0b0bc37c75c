import type { Logger } from '../logger/logger.js';
import { tasks } from '../runtime/task-labels.js';

/**
 * Runs a recovery pass at a fixed interval, never two at once. Interval 0 disables it (tests
 * call the pass themselves so that what they assert does not depend on timing).
 */
export function startSweeper(pass: () => Promise<void>, intervalMs: number, logger: Logger, label = 'sweep'): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tasks
      .run(label, pass)
      .catch((error: unknown) => logger.error({ err: error }, 'sweep failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

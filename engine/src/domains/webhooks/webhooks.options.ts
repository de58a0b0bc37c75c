/** How processing shares the process with the intake (see the work queue in the constructor). */
export interface IntakePace {
  /** Items processed side by side while the intake is quiet. */
  workers: number;
  /** Webhook requests in flight from which the intake counts as busy. */
  busyIntake: number;
  /** How long it stays busy after that: a burst comes in waves. */
  busyLingerMs: number;
  /**
   * Items waiting from which all the workers process even while the intake is busy: under a
   * steady stream (a campaign's statuses) the intake is always busy, and one worker falls ever
   * further behind, leaving counters, retries and replies minutes late.
   */
  backlogLimit: number;
}

export const DEFAULT_PACE: IntakePace = { workers: 4, busyIntake: 4, busyLingerMs: 200, backlogLimit: 5000 };

export interface WebhookIntakeOptions {
  pace?: IntakePace;
  /**
   * Items that say they happened longer ago than this are acknowledged and ignored: what was
   * stored that long ago has been pruned, so a replay could not be told from a first delivery.
   */
  retentionMs?: number;
  /** Processing of one item is given up after this long, and counts as a failed attempt. */
  itemTimeoutMs?: number;
  /** Attempts that never finished after which an item is parked as a dead letter. */
  maxAttempts?: number;
  /** Test-only fault (config: TEST_WEBHOOK_ABORT_MARKER): an inbound text holding it aborts the process. */
  abortMarker?: string | null;
}

export const INTAKE_DEFAULTS = { retentionMs: 7 * 86_400_000, itemTimeoutMs: 30_000, maxAttempts: 3 };

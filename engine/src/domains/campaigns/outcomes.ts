import type { SendOutcome } from '../../platform/whatsapp/graph-client.js';
import { policyFor, reasonFor } from '../../platform/whatsapp/error-policy.js';

/** What became of one attempt, from the Graph answer or from a `failed` status webhook. */
export type Verdict =
  | { kind: 'sent'; wamid: string }
  /** No answer: it may have been accepted. It waits for its status webhook, never resent blindly. */
  | { kind: 'ambiguous'; detail: string }
  /** Not accepted, or accepted and held back (131049): again later, under a new attempt id. */
  | { kind: 'retry'; code: number; delayMs: number; detail: string }
  | { kind: 'failed'; code: number; reason: string }
  /** The template is missing, paused or disabled at WhatsApp: resync, pause, keep the recipient. */
  | { kind: 'template'; code: number; detail: string };

export interface RetrySettings {
  retryDelayMs: number;
  maxAttempts: number;
}

/** The policy per error code (whatsapp-cloud-api.md §2.6) for one recipient's attempt. */
export function verdictForCode(code: number, message: string, attempt: number, settings: RetrySettings): Verdict {
  const reason = reasonFor(code, message);
  if (code === 131049) {
    // A per-user marketing cap, not an opt-out: later, at growing intervals, then give up.
    if (attempt + 1 >= settings.maxAttempts) return { kind: 'failed', code, reason };
    return { kind: 'retry', code, delayMs: settings.retryDelayMs * 2 ** attempt, detail: reason };
  }
  const policy = policyFor(code);
  if (policy.action === 'fail-and-resync-template') return { kind: 'template', code, detail: reason };
  if (policy.action === 'retry') {
    // 130429 slows the whole number and never uses up a recipient's attempts.
    if (code !== 130429 && attempt + 1 >= Math.max(policy.maxAttempts, settings.maxAttempts)) return { kind: 'failed', code, reason };
    return { kind: 'retry', code, delayMs: policy.delayMs(Math.min(attempt, 6)), detail: reason };
  }
  return { kind: 'failed', code, reason };
}

export function verdictOf(outcome: SendOutcome, attempt: number, settings: RetrySettings): Verdict {
  if (outcome.ok) return { kind: 'sent', wamid: outcome.wamid };
  if (outcome.kind === 'ambiguous') return { kind: 'ambiguous', detail: `No answer from WhatsApp (${outcome.message}); waiting for its status.` };
  if (outcome.kind === 'unsent') return { kind: 'retry', code: 0, delayMs: 1000, detail: `WhatsApp could not be reached: ${outcome.message}` };
  return verdictForCode(outcome.code, outcome.message, attempt, settings);
}

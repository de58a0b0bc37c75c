/**
 * What to do with each WhatsApp error code (whatsapp-cloud-api.md §2.6). Decisions are made on
 * `code` only: Meta asks clients not to rely on titles, subcodes or HTTP statuses.
 */
export type ErrorPolicy =
  /** Rejected before acceptance: safe to send again after the delay. */
  | { action: 'retry'; delayMs: (attempt: number) => number; maxAttempts: number; scope: 'number' | 'recipient' | 'request' }
  /** Will not succeed by retrying; record the reason. */
  | { action: 'fail'; alert?: 'token' | 'account' | 'template' }
  | { action: 'fail-and-resync-template' };

/**
 * Parley's own codes for failures that are not Meta's answer; negative, so never one of Meta's.
 * The request was not made: the channel's address is not on GRAPH_BASE_URL_ALLOWLIST.
 */
export const CODE_REFUSED_ADDRESS = -1;
/** The answer was not in Meta's error shape (a proxy's page, a bare HTTP status). */
export const CODE_UNRECOGNISED_ANSWER = -2;

const jitter = (ms: number) => ms + Math.floor(Math.random() * ms * 0.25);

const POLICIES: Record<number, ErrorPolicy> = {
  130429: { action: 'retry', delayMs: (n) => jitter(Math.min(8000, 250 * 2 ** n)), maxAttempts: 6, scope: 'number' },
  // Pair rate: back off for this recipient only, 4^x seconds (1, 4, 16, 64).
  131056: { action: 'retry', delayMs: (n) => 1000 * 4 ** Math.min(n, 3), maxAttempts: 4, scope: 'recipient' },
  131057: { action: 'retry', delayMs: () => 60_000, maxAttempts: 2, scope: 'number' },
  131000: { action: 'retry', delayMs: (n) => jitter(1000 * 2 ** n), maxAttempts: 3, scope: 'request' },
  131016: { action: 'retry', delayMs: (n) => jitter(1000 * 2 ** n), maxAttempts: 3, scope: 'request' },
  1: { action: 'retry', delayMs: (n) => jitter(1000 * 2 ** n), maxAttempts: 3, scope: 'request' },
  2: { action: 'retry', delayMs: (n) => jitter(1000 * 2 ** n), maxAttempts: 3, scope: 'request' },
  4: { action: 'retry', delayMs: () => 60_000, maxAttempts: 2, scope: 'number' },
  80007: { action: 'retry', delayMs: () => 60_000, maxAttempts: 2, scope: 'number' },
  0: { action: 'fail', alert: 'token' },
  190: { action: 'fail', alert: 'token' },
  368: { action: 'fail', alert: 'account' },
  131031: { action: 'fail', alert: 'account' },
  132001: { action: 'fail-and-resync-template' },
  132015: { action: 'fail-and-resync-template' },
  132016: { action: 'fail-and-resync-template' },
};

export function policyFor(code: number): ErrorPolicy {
  return POLICIES[code] ?? { action: 'fail' };
}

/** Plain words for an agent or marketer, keyed by code; the Graph message is kept for logs. */
const REASONS: Record<number, string> = {
  131047: 'More than 24 hours passed since the customer last wrote: only an approved template can be sent.',
  131026: 'The number cannot receive WhatsApp messages.',
  131050: 'The customer stopped marketing messages from this business.',
  131049: 'WhatsApp held the message back to protect the customer from too many marketing messages.',
  131048: 'The number is limited because of its quality rating.',
  130429: 'Sending too fast for this number; it was slowed down and retried.',
  131056: 'Too many messages to this customer in a short time.',
  132000: 'The template was given the wrong number of parameters.',
  132001: 'The template does not exist in this language or is not approved.',
  132015: 'The template is paused.',
  132016: 'The template is disabled.',
  190: 'The WhatsApp access token is invalid or expired.',
  [CODE_REFUSED_ADDRESS]: "This number's Graph API address is not an allowed WhatsApp address; reconnect the number with the default address.",
  [CODE_UNRECOGNISED_ANSWER]: 'WhatsApp answered in a way Parley does not understand; nothing is known to have been done. Try again in a moment.',
};

export function reasonFor(code: number, fallback: string): string {
  return REASONS[code] ?? fallback;
}

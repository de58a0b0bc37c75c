import type { VirtualClock } from '../core/clock.js';
import { metaJson, signatureSha1, signatureSha256 } from '../core/meta-json.js';
import type { Prng } from '../core/prng.js';
import type { CappedLog } from '../state/capped-log.js';
import type { Chaos, Settings } from '../state/settings.js';
import { envelope, type WebhookEvent } from './payloads.js';

export interface DeliveryAttempt {
  n: number;
  /** Virtual time of the attempt. */
  at: number;
  status: number | null;
  error: string | null;
  responseBody: string | null;
}

export interface Delivery {
  id: string;
  phoneNumberIds: string[];
  url: string | null;
  fields: string[];
  wamids: string[];
  eventCount: number;
  /** The exact bytes sent; every redelivery repeats them, signature included. */
  body: string;
  signature: string;
  createdAt: number;
  state: 'pending' | 'retrying' | 'delivered' | 'failed' | 'skipped';
  attempts: DeliveryAttempt[];
  nextAttemptAt: number | null;
  duplicateOf: string | null;
}

export interface EmitterDeps {
  clock: VirtualClock;
  prng: Prng;
  log: CappedLog<Delivery>;
  settings: () => Settings;
  chaos: () => Chaos;
}

interface Batch {
  events: WebhookEvent[];
  timer: number;
}

export class WebhookEmitter {
  private readonly batches = new Map<string, Batch>();
  private abort = new AbortController();
  private counter = 0;

  constructor(private readonly deps: EmitterDeps) {}

  emit(event: WebhookEvent): void {
    const batching = this.deps.chaos().batching;
    if (!batching.enabled) return this.dispatch([event]);
    const key = `${event.config.webhookUrl ?? ''}|${event.config.appSecret}`;
    const batch = this.batches.get(key);
    if (batch) {
      batch.events.push(event);
      if (batch.events.length >= batching.max) this.flush(key);
      return;
    }
    const timer = this.deps.clock.setTimeout(() => this.flush(key), batching.windowMs);
    this.batches.set(key, { events: [event], timer });
  }

  /** Sends every batch that is still waiting for its window to close. */
  flushAll(): void {
    for (const key of [...this.batches.keys()]) this.flush(key);
  }

  /** Aborts in-flight requests and forgets pending batches (reset, shutdown). */
  stop(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.batches.clear();
  }

  private flush(key: string): void {
    const batch = this.batches.get(key);
    if (!batch) return;
    this.batches.delete(key);
    this.deps.clock.clearTimeout(batch.timer);
    const chaos = this.deps.chaos();
    const events = this.deps.prng.chance(chaos.reorderRate) ? this.deps.prng.shuffle(batch.events) : batch.events;
    this.dispatch(events);
  }

  private dispatch(events: WebhookEvent[]): void {
    const [first] = events;
    if (!first) return;
    const chaos = this.deps.chaos();
    const secret = chaos.wrongSecret ? `${first.config.appSecret}-wrong` : first.config.appSecret;
    const body = metaJson(envelope(events));
    const delivery = this.record(events, body, signatureSha256(secret, body), null);
    void this.attempt(delivery, secret);
    const forced = events.some((event) => event.recipient !== null && chaos.recipients[event.recipient]?.duplicate);
    // At-least-once delivery: Meta sometimes posts the same body twice (§1.7).
    if (forced || this.deps.prng.chance(chaos.duplicateRate)) {
      void this.attempt(this.record(events, body, delivery.signature, delivery.id), secret);
    }
  }

  private record(events: WebhookEvent[], body: string, signature: string, duplicateOf: string | null): Delivery {
    const url = events[0]?.config.webhookUrl ?? null;
    return this.deps.log.add({
      id: `whd_${++this.counter}`,
      phoneNumberIds: [...new Set(events.map((event) => event.config.phoneNumberId))],
      url,
      fields: [...new Set(events.map((event) => event.field))],
      wamids: events.flatMap((event) => event.wamids),
      eventCount: events.length,
      body,
      signature,
      createdAt: this.deps.clock.now(),
      state: url === null ? 'skipped' : 'pending',
      attempts: [],
      nextAttemptAt: null,
      duplicateOf,
    });
  }

  private async attempt(delivery: Delivery, secret: string): Promise<void> {
    if (delivery.url === null) return;
    const attempt: DeliveryAttempt = { n: delivery.attempts.length + 1, at: this.deps.clock.now(), status: null, error: null, responseBody: null };
    delivery.attempts.push(attempt);
    delivery.nextAttemptAt = null;
    const stopped = this.abort.signal;
    const signal = AbortSignal.any([stopped, AbortSignal.timeout(this.deps.settings().webhookTimeoutMs)]);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': delivery.signature,
          'x-hub-signature': signatureSha1(secret, delivery.body),
        },
        body: delivery.body,
        signal,
      });
      attempt.status = response.status;
      attempt.responseBody = (await response.text()).slice(0, 500);
    } catch (error) {
      attempt.error = describeFailure(error);
    }
    if (stopped.aborted) return;
    this.settle(delivery, attempt, secret);
  }

  /** Success means exactly HTTP 200; anything else is redelivered with growing intervals (§1.7). */
  private settle(delivery: Delivery, attempt: DeliveryAttempt, secret: string): void {
    if (attempt.status === 200) {
      delivery.state = 'delivered';
      return;
    }
    const retry = this.deps.settings().retry;
    const delay = Math.min(retry.initialMs * retry.factor ** (attempt.n - 1), retry.maxIntervalMs);
    const now = this.deps.clock.now();
    if (now + delay - delivery.createdAt > retry.maxAgeMs) {
      delivery.state = 'failed';
      return;
    }
    delivery.state = 'retrying';
    delivery.nextAttemptAt = now + delay;
    this.deps.clock.setTimeout(() => void this.attempt(delivery, secret), delay);
  }
}

/** fetch hides the socket error (ECONNREFUSED, timeouts) in `cause`; the log should show it. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  const detail = cause instanceof Error ? `: ${'code' in cause ? String(cause.code) : cause.message}` : '';
  return `${error.name}: ${error.message}${detail}`;
}

export interface HandshakeResult {
  url: string;
  challenge: string;
  status: number | null;
  body: string | null;
  echoed: boolean;
  error: string | null;
}

/** §1.1: what Meta does when a callback URL is saved; the receiver must echo `hub.challenge`. */
export async function verifyHandshake(url: string, verifyToken: string, challenge: string): Promise<HandshakeResult> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', verifyToken);
  target.searchParams.set('hub.challenge', challenge);
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(5000) });
    const body = await response.text();
    return { url, challenge, status: response.status, body, echoed: response.status === 200 && body === challenge, error: null };
  } catch (error) {
    return { url, challenge, status: null, body: null, echoed: false, error: String(error) };
  }
}

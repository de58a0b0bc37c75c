import type { VirtualClock } from '../core/clock.js';
import type { Prng } from '../core/prng.js';
import { webhookError } from '../graph/errors.js';
import type { SimHooks } from '../state/hooks.js';
import type { NumberRegistry } from '../state/numbers.js';
import type { SendRecord, StatusName } from '../state/records.js';
import type { Chaos, RecipientChaos, Settings } from '../state/settings.js';
import type { UserDirectory } from '../state/users.js';
import type { WebhookEmitter } from './emitter.js';
import { contactOf, seconds, statusesValue, type Json } from './payloads.js';

export interface PlannedFailure {
  code: number;
  details?: string;
  /** When positive the message is first `sent`, then fails this much later. */
  delayMs?: number;
}

export interface TimelineDeps {
  clock: VirtualClock;
  prng: Prng;
  settings: () => Settings;
  chaos: () => Chaos;
  emitter: WebhookEmitter;
  numbers: NumberRegistry;
  users: UserDirectory;
  hooks: SimHooks;
}

interface Step {
  status: StatusName;
  at: number;
  emitAt: number;
  failure?: PlannedFailure;
}

/**
 * Produces the status webhooks of an accepted send (§7.3): sent → delivered → read, or failed,
 * with seeded delays and the chaos of real delivery (duplicates are the emitter's business).
 */
export class StatusTimeline {
  constructor(private readonly deps: TimelineDeps) {}

  chaosFor(send: SendRecord): RecipientChaos {
    const recipients = this.deps.chaos().recipients;
    return (send.waId === null ? undefined : recipients[send.waId]) ?? recipients[send.userId] ?? {};
  }

  /** Decides the failure that chaos injects, if any (per recipient first, then by rate). */
  chaosFailure(send: SendRecord): PlannedFailure | null {
    const chaos = this.deps.chaos();
    const forced = this.chaosFor(send);
    if (forced.fail !== undefined) return { code: forced.fail, delayMs: forced.failDelayMs ?? chaos.failureDelayMs };
    if (!this.deps.prng.chance(chaos.failureRate)) return null;
    return { code: this.deps.prng.pick(chaos.failureCodes), delayMs: chaos.failureDelayMs };
  }

  schedule(send: SendRecord, failure: PlannedFailure | null, readByCustomer: boolean): void {
    const now = this.deps.clock.now();
    for (const step of this.plan(send, failure, readByCustomer, now)) {
      this.deps.clock.setTimeout(() => this.emit(send, step.status, step.at, step.failure), step.emitAt - now);
    }
  }

  /** The read receipt on a test command or a simulated customer opening the chat. */
  markRead(send: SendRecord): boolean {
    const seen = send.statuses.map((entry) => entry.status);
    if (seen.includes('read') || (seen.includes('failed') && !seen.includes('delivered'))) return false;
    this.emit(send, 'read', this.deps.clock.now());
    return true;
  }

  private plan(send: SendRecord, failure: PlannedFailure | null, readByCustomer: boolean, now: number): Step[] {
    const { prng } = this.deps;
    const delays = this.deps.settings().statusDelays;
    const forced = this.chaosFor(send);
    const chaos = this.deps.chaos();
    const reorder = forced.reorder ?? prng.chance(chaos.reorderRate);
    const sentAt = now + prng.float(delays.sentMs[0], delays.sentMs[1]);
    if (failure) {
      const failedAt = sentAt + (failure.delayMs ?? 0);
      const steps: Step[] = [{ status: 'failed', at: failedAt, emitAt: failedAt, failure }];
      if ((failure.delayMs ?? 0) > 0) steps.unshift({ status: 'sent', at: sentAt, emitAt: sentAt });
      // Multi-device: a delivered can still follow a failed (§1.5).
      const late = failedAt + prng.float(delays.deliveredMs[0], delays.deliveredMs[1]);
      if (reorder) steps.push({ status: 'delivered', at: late, emitAt: late });
      return steps;
    }
    const deliveredAt = sentAt + prng.float(delays.deliveredMs[0], delays.deliveredMs[1]);
    const read = !readByCustomer && (forced.read ?? prng.chance(this.deps.settings().readProbability));
    const readAt = deliveredAt + prng.float(delays.readMs[0], delays.readMs[1]);
    // If the user is in the chat, Meta may send read without delivered (§1.5).
    const skipDelivered = read && (forced.skipDelivered ?? prng.chance(chaos.skipDeliveredRate));
    const steps: Step[] = [{ status: 'sent', at: sentAt, emitAt: sentAt }];
    if (!skipDelivered) steps.push({ status: 'delivered', at: deliveredAt, emitAt: reorder && read ? readAt : deliveredAt });
    if (read) steps.push({ status: 'read', at: readAt, emitAt: reorder && !skipDelivered ? deliveredAt : readAt });
    if (reorder && !read) steps[0] = { status: 'sent', at: sentAt, emitAt: deliveredAt + 1 };
    if (read && send.type === 'audio') steps.push({ status: 'played', at: readAt + 1000, emitAt: readAt + 1000 });
    return steps;
  }

  private emit(send: SendRecord, status: StatusName, at: number, failure?: PlannedFailure): void {
    if (send.statuses.some((entry) => entry.status === status)) return;
    const number = this.deps.numbers.get(send.phoneNumberId);
    if (!number) return;
    send.statuses.push({ status, at, emittedAt: this.deps.clock.now(), code: failure?.code ?? null });
    const user = this.deps.users.get(send.userKey);
    const contacts = user ? [contactOf(user.name, user.waId, send.userId)] : [];
    this.deps.emitter.emit({
      config: number.config,
      field: 'messages',
      kind: 'status',
      value: statusesValue(number.config, contacts, [this.statusItem(send, status, at, failure)]),
      at,
      wamids: [send.id],
      recipient: send.waId ?? send.userId,
    });
    this.deps.hooks.emitStatus(send, status);
  }

  private statusItem(send: SendRecord, status: StatusName, at: number, failure?: PlannedFailure): Json {
    const item: Json = { id: send.id, status, timestamp: String(seconds(at)) };
    if (send.waId !== null) item.recipient_id = send.waId;
    item.recipient_user_id = send.userId;
    if (send.bizOpaqueCallbackData !== null) item.biz_opaque_callback_data = send.bizOpaqueCallbackData;
    if (failure) {
      item.errors = [webhookError(failure.code, failure.details)];
      return item;
    }
    // Read (and played) receipts usually carry neither pricing nor conversation (§1.5).
    if (status === 'sent' || status === 'delivered') {
      if (send.conversation && this.deps.settings().includeConversation) item.conversation = send.conversation;
      item.pricing = send.pricing;
    }
    return item;
  }
}

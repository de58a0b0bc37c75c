import type { InboundRecord, SendRecord, StatusName } from './records.js';

type Listener<T extends unknown[]> = (...args: T) => void;

/** In-process notifications between simulator parts (simulated customers listen to sends). */
export class SimHooks {
  private readonly accepted: Array<Listener<[SendRecord]>> = [];
  private readonly statuses: Array<Listener<[SendRecord, StatusName]>> = [];
  private readonly inbound: Array<Listener<[InboundRecord]>> = [];
  private readonly resets: Array<Listener<[]>> = [];
  /** Simulated customers read their own messages; the timeline then leaves `read` to them. */
  readsOwnedBy: (send: SendRecord) => boolean = () => false;

  onAccepted(listener: Listener<[SendRecord]>): void {
    this.accepted.push(listener);
  }

  onStatus(listener: Listener<[SendRecord, StatusName]>): void {
    this.statuses.push(listener);
  }

  onInbound(listener: Listener<[InboundRecord]>): void {
    this.inbound.push(listener);
  }

  onReset(listener: Listener<[]>): void {
    this.resets.push(listener);
  }

  emitReset(): void {
    for (const listener of this.resets) listener();
  }

  emitAccepted(send: SendRecord): void {
    for (const listener of this.accepted) listener(send);
  }

  emitStatus(send: SendRecord, status: StatusName): void {
    for (const listener of this.statuses) listener(send, status);
  }

  emitInbound(record: InboundRecord): void {
    for (const listener of this.inbound) listener(record);
  }
}

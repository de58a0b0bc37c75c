/**
 * WhatsApp's customer service window: for 24 hours after a customer's last message the business
 * may send them anything; after that only an approved template, until they write again. The one
 * definition the engine (which refuses free text outside it) and the web (which counts it down)
 * share.
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the window of a customer who last wrote at `lastInboundAt` (epoch ms) closes; null if they never wrote. */
export function serviceWindowEnd(lastInboundAt: number | null): number | null {
  return lastInboundAt === null ? null : lastInboundAt + SERVICE_WINDOW_MS;
}

/** Whether free-form messages may be sent to a customer who last wrote at `lastInboundAt`. */
export function serviceWindowOpen(lastInboundAt: number | null, now = Date.now()): boolean {
  return lastInboundAt !== null && now - lastInboundAt < SERVICE_WINDOW_MS;
}

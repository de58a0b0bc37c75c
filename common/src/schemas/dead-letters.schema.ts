import { z } from 'zod';

/**
 * A dead letter's id: `<tenantId>:<stored item key>` (the key holds `:` and `.` of its own, such
 * as `msg:wamid.HBgL...`), sent URL-encoded in the path.
 */
export const deadLetterParamsSchema = z.object({ id: z.string().min(3).max(512) }).strict();

/** A webhook item parked after its processing failed or never finished, as platform admins see it. */
export interface DeadLetterView {
  id: string;
  tenantId: string;
  /** The tenant's name, or null if it no longer exists. */
  tenantName: string | null;
  /** The stored item's key: `msg:<wamid>`, `st:<wamid>:<status>` or `evt:<field>:<hash>`. */
  key: string;
  kind: 'message' | 'status' | 'event';
  reason: string;
  attempts: number;
  /** Size of the stored item in bytes (its JSON). */
  payloadBytes: number;
  /** When the item first arrived. */
  firstSeenAt: string;
  parkedAt: string;
}

export interface DeadLetterList {
  /** Every dead letter waiting for a decision; `items` holds the most recent `limit` of them. */
  count: number;
  items: DeadLetterView[];
}

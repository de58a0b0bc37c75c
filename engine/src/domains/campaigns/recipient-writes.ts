import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { RecipientStatus } from '@parley/common';
import { updateById } from '../../platform/db/bulk.js';
import { eachLimited } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import type { RecipientDoc } from './campaigns.model.js';
import type { CampaignModels } from './campaigns.ports.js';

/** The state a recipient must still be in for an update to apply. */
export interface RecipientGuard {
  attempt?: number;
  statuses?: RecipientStatus[];
  rankBelow?: number;
}

export interface GuardedUpdate {
  id: string;
  guard: RecipientGuard;
  update: UpdateQuery<RecipientDoc>;
}

function guardFilter(id: string, guard: RecipientGuard): QueryFilter<RecipientDoc> & { _id: string } {
  return {
    _id: id,
    ...(guard.attempt === undefined ? {} : { attempt: guard.attempt }),
    ...(guard.statuses ? { status: { $in: guard.statuses } } : {}),
    ...(guard.rankBelow === undefined ? {} : { statusRank: { $lt: guard.rankBelow } }),
  };
}

function guardHolds(doc: Pick<RecipientDoc, 'attempt' | 'status' | 'statusRank'>, guard: RecipientGuard): boolean {
  return (
    (guard.attempt === undefined || doc.attempt === guard.attempt) &&
    (!guard.statuses || guard.statuses.includes(doc.status)) &&
    (guard.rankBelow === undefined || doc.statusRank < guard.rankBelow)
  );
}

/**
 * The filter of one guarded update whose guard the caller has just checked on a fresh read. On
 * MongoDB the guard stays in the filter and is checked atomically with the write. FerretDB 1.x
 * reads the whole collection for any filter but a bare `_id`, and checks filters outside the
 * write anyway: there the write names its `_id` alone.
 */
export function checkedFilter(db: Database, id: string, guard: RecipientGuard): QueryFilter<RecipientDoc> & { _id: string } {
  return db.guardsOnServer ? guardFilter(id, guard) : { _id: id };
}

/** Writers at once on FerretDB: its SQLite backend takes one writer at a time anyway. */
const FERRETDB_WRITERS = 8;

/**
 * Writes guarded updates of many recipients. On MongoDB that is one bulk write with each guard in
 * its filter. On FerretDB (see `checkedFilter`) each recipient is read again by `_id` and written
 * right after if its guard still holds, which keeps the window between check and write as short as
 * FerretDB's own and spares it reading the whole collection once per recipient.
 */
export async function writeGuarded(db: Database, models: CampaignModels, tenantId: string, items: GuardedUpdate[]): Promise<void> {
  if (items.length === 0) return;
  const recipients = models.recipients(tenantId);
  if (db.guardsOnServer) {
    await recipients.bulkWrite(items.map((item) => updateById<RecipientDoc>(checkedFilter(db, item.id, item.guard), item.update)), { ordered: false });
    return;
  }
  await eachLimited(items, FERRETDB_WRITERS, async (item) => {
    const current = await recipients.findById(item.id, { attempt: 1, status: 1, statusRank: 1 }).lean();
    if (current && guardHolds(current, item.guard)) await recipients.updateOne({ _id: item.id }, item.update);
  });
}

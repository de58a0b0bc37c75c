import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { RecipientStatus } from '@parley/common';
import { updateById } from '../../platform/db/bulk.js';
import { eachLimited } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { checkedFilter, updateGuarded } from '../../platform/db/guarded.js';
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

function guardOf(guard: RecipientGuard): QueryFilter<RecipientDoc> {
  return {
    ...(guard.attempt === undefined ? {} : { attempt: guard.attempt }),
    ...(guard.statuses ? { status: { $in: guard.statuses } } : {}),
    ...(guard.rankBelow === undefined ? {} : { statusRank: { $lt: guard.rankBelow } }),
  };
}

/** The filter of one guarded update whose guard the caller has just checked on a fresh read. */
export function checkedRecipientFilter(db: Database, id: string, guard: RecipientGuard): QueryFilter<RecipientDoc> {
  return checkedFilter<RecipientDoc>(db, id, guardOf(guard));
}

/** Writers at once on FerretDB: its SQLite backend takes one writer at a time anyway. */
const FERRETDB_WRITERS = 8;

/**
 * Writes guarded updates of many recipients. On MongoDB that is one bulk write with each guard in
 * its filter. On FerretDB each is an `updateGuarded`: read by `_id`, checked, written by `_id`.
 */
export async function writeGuarded(db: Database, models: CampaignModels, tenantId: string, items: GuardedUpdate[]): Promise<void> {
  if (items.length === 0) return;
  const recipients = models.recipients(tenantId);
  if (db.guardsOnServer) {
    await recipients.bulkWrite(items.map((item) => updateById<RecipientDoc>({ _id: item.id, ...guardOf(item.guard) }, item.update)), { ordered: false });
    return;
  }
  await eachLimited(items, FERRETDB_WRITERS, async (item) => {
    await updateGuarded(db, recipients, item.id, guardOf(item.guard), item.update);
  });
}

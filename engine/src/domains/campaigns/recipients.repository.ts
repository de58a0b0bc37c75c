import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { RecipientStatus, SkipReason } from '@parley/common';
import { updateById } from '../../platform/db/bulk.js';
import { eachLimited, findByIds } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { checkedFilter, inTurn, updateGuarded } from '../../platform/db/guarded.js';
import { ACTIVE_STATUSES, RANKED_STATUSES, type CampaignModels, type RecipientDoc, type TimelineEntry } from './campaigns.model.js';
import type { Verdict } from './outcomes.js';

/** The state a recipient must still be in for an update to apply. */
interface RecipientGuard {
  attempt?: number;
  statuses?: RecipientStatus[];
  rankBelow?: number;
}

interface GuardedUpdate {
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

/** Writers at once on FerretDB: its SQLite backend takes one writer at a time anyway. */
const FERRETDB_WRITERS = 8;
const EXPORT_PAGE = 2000;

/** The recipient update a verdict makes, applied only to the attempt it is about. */
function updateFor(verdict: Verdict, recipient: Pick<RecipientDoc, 'attempt'>, now: Date): UpdateQuery<RecipientDoc> {
  switch (verdict.kind) {
    case 'sent':
      return { $set: { status: 'sent', statusRank: 1, wamid: verdict.wamid, sentAt: now, reason: null, errorCode: null }, $push: { timeline: { status: 'sent', at: now, detail: null } } };
    case 'ambiguous':
      return { $set: { status: 'sending', claimedAt: now }, $push: { timeline: { status: 'sending', at: now, detail: verdict.detail } } };
    case 'retry':
    case 'template':
      return {
        $set: { status: 'queued', statusRank: 0, attempt: recipient.attempt + 1, notBefore: new Date(now.getTime() + (verdict.kind === 'retry' ? verdict.delayMs : 0)), claimedAt: null, errorCode: verdict.code || null },
        $push: { timeline: { status: 'queued', at: now, detail: verdict.detail } },
      };
    case 'failed':
      return { $set: { status: 'failed', reason: verdict.reason, errorCode: verdict.code }, $push: { timeline: { status: 'failed', at: now, detail: verdict.reason } } };
  }
}

/**
 * A campaign's recipients as stored: their reads by `_id`, and every write guarded by the attempt
 * and status it is about, as MongoDB and the local FerretDB each allow it (see `writeGuarded`).
 */
export class RecipientsRepository {
  constructor(
    private readonly db: Database,
    private readonly models: CampaignModels,
  ) {}

  findById(tenantId: string, id: string): Promise<RecipientDoc | null> {
    return this.models.recipients(tenantId).findById(id).lean();
  }

  /** The recipients of these ids that exist, each read by its `_id`. */
  findMany(tenantId: string, ids: readonly string[]): Promise<RecipientDoc[]> {
    return findByIds(this.db, this.models.recipients(tenantId), ids);
  }

  /** One recipient of this campaign, or null. */
  async findInCampaign(tenantId: string, campaignId: string, recipientId: string): Promise<RecipientDoc | null> {
    // By `_id` alone, then checked: FerretDB reads every recipient for a filter with more in it.
    const doc = await this.models.recipients(tenantId).findById(recipientId).lean();
    return doc && doc.campaignId === campaignId ? doc : null;
  }

  /** A page of the campaign's recipients in `_id` order, after `after`, and the cursor of the next. */
  async page(tenantId: string, campaignId: string, query: { status?: RecipientStatus; limit: number; after?: string }): Promise<{ docs: RecipientDoc[]; next: string | null }> {
    const filter = { campaignId, ...(query.status ? { status: query.status } : {}), ...(query.after ? { _id: { $gt: query.after } } : {}) };
    const docs = await this.models.recipients(tenantId).find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
    const page = docs.slice(0, query.limit);
    return { docs: page, next: docs.length > query.limit ? (page.at(-1)?._id ?? null) : null };
  }

  /** Every recipient of the campaign, a page at a time in `_id` order (for the export). */
  async *pages(tenantId: string, campaignId: string): AsyncIterable<RecipientDoc[]> {
    let after = '';
    for (;;) {
      const page = await this.models.recipients(tenantId).find({ campaignId, _id: { $gt: after } }).sort({ _id: 1 }).limit(EXPORT_PAGE).lean();
      yield page;
      const last = page.at(-1);
      if (!last || page.length < EXPORT_PAGE) break;
      after = last._id;
    }
  }

  /** What the counters of these campaigns are derived from, in one read of their recipients. */
  tallyRows(tenantId: string, campaignIds: string[]): AsyncIterable<Pick<RecipientDoc, 'campaignId' | 'status' | 'repliedAt' | 'optedOutAt'>> {
    const filter = campaignIds.length === 1 ? { campaignId: campaignIds[0] } : { campaignId: { $in: campaignIds } };
    return this.models.recipients(tenantId).find(filter, { _id: 0, campaignId: 1, status: 1, repliedAt: 1, optedOutAt: 1 }).lean().cursor();
  }

  /** Recipients still open: queued, sending, or sent after `sentSince` (a `failed` webhook may still come). */
  open(tenantId: string, campaignId: string, sentSince: Date): AsyncIterable<Pick<RecipientDoc, 'status' | 'notBefore' | 'claimedAt' | 'sentAt'>> {
    return this.models.recipients(tenantId)
      .find({ campaignId, $or: [{ status: { $in: ['queued', 'sending'] } }, { status: 'sent', sentAt: { $gt: sentSince } }] }, { _id: 0, status: 1, notBefore: 1, claimedAt: 1, sentAt: 1 })
      .lean()
      .cursor();
  }

  /** Sends claimed before `cutoff` and never confirmed (up to 2,000). */
  unconfirmedSince(tenantId: string, campaignId: string, cutoff: Date): Promise<Pick<RecipientDoc, '_id' | 'attempt'>[]> {
    return this.models.recipients(tenantId).find({ campaignId, status: 'sending', claimedAt: { $lt: cutoff } }, { _id: 1, attempt: 1 }).limit(2000).lean();
  }

  /** Writes what became of these attempts; each only to its attempt, never back from a status webhook's word. */
  async recordVerdicts(tenantId: string, settlements: { recipient: RecipientDoc; verdict: Verdict }[], now: Date): Promise<void> {
    await this.writeGuarded(tenantId, settlements.map(({ recipient, verdict }) => ({ id: recipient._id, guard: { attempt: recipient.attempt, statuses: ACTIVE_STATUSES }, update: updateFor(verdict, recipient, now) })));
  }

  /** Queued recipients the dispatch gate turned away (consent, reachability). */
  async skipQueued(tenantId: string, skips: { recipient: RecipientDoc; reason: SkipReason }[], now: Date): Promise<void> {
    await this.writeGuarded(tenantId, skips.map(({ recipient, reason }) => ({ id: recipient._id, guard: { statuses: ['queued'] }, update: { $set: { status: 'skipped', reason }, $push: { timeline: { status: 'skipped', at: now, detail: reason } } } })));
  }

  /** Recipients whose claim another process holds wait as unconfirmed sends. */
  async markTaken(tenantId: string, taken: RecipientDoc[], claimedAt: Date): Promise<void> {
    await this.writeGuarded(tenantId, taken.map((r) => ({ id: r._id, guard: { attempt: r.attempt, statuses: ['queued'] }, update: { $set: { status: 'sending', claimedAt } } })));
  }

  /** Everyone still queued of a cancelled campaign is skipped, with the reason `cancelled`. */
  async skipQueuedAsCancelled(tenantId: string, campaignId: string, at: Date): Promise<void> {
    await this.models.recipients(tenantId).updateMany({ campaignId, status: 'queued' }, { $set: { status: 'skipped', reason: 'cancelled' }, $push: { timeline: { status: 'skipped', at, detail: 'cancelled' } } });
  }

  /**
   * Recipients still `sending` whose send a status webhook confirmed get back the status their
   * confirmed rank stands for. The guard is checked apart from the write on FerretDB, so each is
   * read again and written in its turn with the other writes of this process (see `inTurn`).
   */
  async restoreConfirmed(tenantId: string, ids: string[]): Promise<void> {
    const recipients = this.models.recipients(tenantId);
    const confirmed = (await findByIds(this.db, recipients, ids, { status: 1, statusRank: 1 })).filter((r) => r.status === 'sending' && r.statusRank >= 1);
    for (const { _id } of confirmed) {
      await inTurn(this.db, recipients, _id, async () => {
        const recipient = await recipients.findById(_id, { status: 1, statusRank: 1 }).lean();
        if (recipient?.status !== 'sending' || recipient.statusRank < 1) return;
        await recipients.updateOne(this.checkedFilter(_id, { statuses: ['sending'], rankBelow: recipient.statusRank + 1 }), { $set: { status: RANKED_STATUSES[recipient.statusRank] ?? 'read', claimedAt: null } });
      });
    }
  }

  /**
   * Runs `work` (a read, a check, a write of this recipient) in one turn with this process's other
   * writes of it: on FerretDB a guarded update is a read then a write, not atomic (see `inTurn`).
   */
  inTurn<R>(tenantId: string, recipientId: string, work: () => Promise<R>): Promise<R> {
    return inTurn(this.db, this.models.recipients(tenantId), recipientId, work);
  }

  /** A `failed` status after `sent`: the recipient is open again, for the settler's guard. Call in its turn. */
  async reopen(tenantId: string, recipient: Pick<RecipientDoc, '_id' | 'attempt'>): Promise<void> {
    await this.models.recipients(tenantId).updateOne(this.checkedFilter(recipient._id, { attempt: recipient.attempt, rankBelow: 2 }), { $set: { status: 'sending' } });
  }

  /** A delivery status moves the recipient forward to `rank`. Call in its turn, the guard just checked on a fresh read. */
  async recordDelivery(tenantId: string, recipient: Pick<RecipientDoc, '_id' | 'attempt' | 'sentAt'>, delivery: { rank: number; wamid: string; entry: TimelineEntry }): Promise<void> {
    const { rank, wamid, entry } = delivery;
    await this.models.recipients(tenantId).updateOne(
      this.checkedFilter(recipient._id, { attempt: recipient.attempt, rankBelow: rank }),
      { $set: { status: entry.status, statusRank: rank, wamid, sentAt: recipient.sentAt ?? entry.at, reason: null, errorCode: null }, $push: { timeline: entry } },
    );
  }

  /** The first reply of the recipient (checked unreplied on the read before). */
  async recordReply(tenantId: string, recipientId: string, at: Date, detail: string): Promise<void> {
    await this.models.recipients(tenantId).updateOne(checkedFilter<RecipientDoc>(this.db, recipientId, { repliedAt: null }), { $set: { repliedAt: at }, $push: { timeline: { status: 'replied', at, detail } } });
  }

  /** The recipient's opt-out after the campaign (checked not opted out on the read before). */
  async recordOptOut(tenantId: string, recipientId: string, at: Date, source: string): Promise<void> {
    await this.models.recipients(tenantId).updateOne(checkedFilter<RecipientDoc>(this.db, recipientId, { optedOutAt: null }), {
      $set: { optedOutAt: at },
      $push: { timeline: { status: 'opted_out', at, detail: source } },
    });
  }

  /** The filter of one guarded update whose guard the caller has just checked on a fresh read. */
  private checkedFilter(id: string, guard: RecipientGuard): QueryFilter<RecipientDoc> {
    return checkedFilter<RecipientDoc>(this.db, id, guardOf(guard));
  }

  /**
   * Writes guarded updates of many recipients. On MongoDB that is one bulk write with each guard in
   * its filter. On FerretDB each is an `updateGuarded`: read by `_id`, checked, written by `_id`.
   */
  private async writeGuarded(tenantId: string, items: GuardedUpdate[]): Promise<void> {
    if (items.length === 0) return;
    const recipients = this.models.recipients(tenantId);
    if (this.db.guardsOnServer) {
      await recipients.bulkWrite(items.map((item) => updateById<RecipientDoc>({ _id: item.id, ...guardOf(item.guard) }, item.update)), { ordered: false });
      return;
    }
    await eachLimited(items, FERRETDB_WRITERS, async (item) => {
      await updateGuarded(this.db, recipients, item.id, guardOf(item.guard), item.update);
    });
  }
}

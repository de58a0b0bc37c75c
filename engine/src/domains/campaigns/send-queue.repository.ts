import type { Redis } from 'ioredis';
import { findByIds } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { queuePageIdOf, type CampaignModels, type ClaimDoc, type RecipientDoc } from './campaigns.model.js';

const cursorKey = (campaignId: string): string => `cmpqueue:${campaignId}`;
const endKey = (campaignId: string): string => `cmpqueue:${campaignId}:end`;
const KEEP_SECONDS = 90 * 86_400;

/** What a claim came to: ours to send, someone else's, or unknown (the insert failed). */
export type ClaimResult = 'ours' | 'taken' | 'unknown';

/**
 * The order a campaign sends in, and the claims of its sends.
 *
 * Materialising writes the recipients a batch at a time with the queue's page of each batch.
 * Dispatch hands out the pages in order, each page to one process: a shared Redis counter says
 * which page is next. Reading a page and its recipients goes by `_id` alone, so a batch costs the
 * same whether the campaign has a hundred recipients or a hundred thousand (FerretDB would read
 * every recipient to find who is queued).
 *
 * The pages are a fast path, not the truth: a recipient whose page was taken by a process that
 * died, or who is queued again (a retry), is still `queued`, and the recipients' own status query
 * finds them once every page has been handed out.
 */
export class SendQueueRepository {
  constructor(
    private readonly db: Database,
    private readonly redis: Redis,
    private readonly models: CampaignModels,
  ) {}

  /**
   * Stores one materialised batch of recipients and its page of the queue (the ids of those
   * queued). Every batch gets its page, empty or not: the first missing page is the end of the queue.
   */
  async addBatch(tenantId: string, campaignId: string, page: number, docs: RecipientDoc[]): Promise<void> {
    await this.insertIgnoringDuplicates(tenantId, docs);
    const ids = docs.filter((r) => r.status === 'queued').map((r) => r._id);
    await this.insertPage(tenantId, { _id: queuePageIdOf(campaignId, page), campaignId, page, ids });
  }

  /** Whether every page was handed out (or the campaign has none). */
  async exhausted(campaignId: string): Promise<boolean> {
    return (await this.redis.exists(endKey(campaignId))) === 1;
  }

  /**
   * Up to `size` recipients queued and due, not in `busy`: from the next pages while any is left,
   * then from the recipients' own status query (retries, pages a dead process took).
   */
  async takeDue(tenantId: string, campaignId: string, size: number, busy: readonly string[]): Promise<RecipientDoc[]> {
    const paged = await this.takePages(tenantId, campaignId, size, new Set(busy));
    if (paged) return paged;
    return this.models.recipients(tenantId).find({ campaignId, status: 'queued', notBefore: { $lte: new Date() }, ...(busy.length > 0 ? { _id: { $nin: busy } } : {}) }).sort({ notBefore: 1 }).limit(size).lean();
  }

  /**
   * Claims sends by inserting their claims in one unordered insert: a duplicate key is a claim
   * someone else holds; a claim whose insert failed otherwise may exist or not.
   */
  async insertClaims(tenantId: string, docs: ClaimDoc[]): Promise<ClaimResult[]> {
    try {
      await this.models.claims(tenantId).insertMany(docs, { ordered: false, lean: true });
      return docs.map(() => 'ours');
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) return docs.map(() => 'unknown');
      const results: ClaimResult[] = docs.map(() => 'ours');
      for (const writeError of failed) {
        const index = indexOfWriteError(writeError);
        if (index === null) return docs.map(() => 'unknown');
        results[index] = isDuplicateKeyError(writeError) ? 'taken' : 'unknown';
      }
      return results;
    }
  }

  /**
   * Takes pages until they hold at least `size` recipients still queued and due (not in `busy`),
   * or none is left. Null when every page was handed out before this call found anyone.
   */
  private async takePages(tenantId: string, campaignId: string, size: number, busy: ReadonlySet<string>): Promise<RecipientDoc[] | null> {
    const due: RecipientDoc[] = [];
    const now = Date.now();
    while (due.length < size && !(await this.exhausted(campaignId))) {
      const next = await this.redis.incr(cursorKey(campaignId));
      await this.redis.expire(cursorKey(campaignId), KEEP_SECONDS);
      const page = await this.models.queuePages(tenantId).findById(queuePageIdOf(campaignId, next - 1)).lean();
      if (!page) {
        await this.redis.set(endKey(campaignId), '1', 'EX', KEEP_SECONDS);
        break;
      }
      const recipients = await findByIds(this.db, this.models.recipients(tenantId), page.ids.filter((id) => !busy.has(id)));
      const order = new Map(page.ids.map((id, i) => [id, i]));
      recipients.sort((a, b) => (order.get(a._id) ?? 0) - (order.get(b._id) ?? 0));
      due.push(...recipients.filter((r) => r.status === 'queued' && r.notBefore.getTime() <= now));
    }
    return due.length === 0 && (await this.exhausted(campaignId)) ? null : due;
  }

  private async insertIgnoringDuplicates(tenantId: string, docs: RecipientDoc[]): Promise<void> {
    try {
      await this.models.recipients(tenantId).insertMany(docs, { ordered: false, lean: true });
    } catch (error) {
      // Recipients already there from an interrupted run: they keep whatever happened to them since.
      const failed = writeErrorsOf(error);
      if (failed ? failed.every(isDuplicateKeyError) : isDuplicateKeyError(error)) return;
      throw error;
    }
  }

  /** A page written by an interrupted run stays as it was: its recipients are the ones stored then. */
  private async insertPage(tenantId: string, doc: { _id: string; campaignId: string; page: number; ids: string[] }): Promise<void> {
    try {
      await this.models.queuePages(tenantId).create(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}

/** The per-document errors of an unordered insertMany/bulkWrite, or null for another error. */
function writeErrorsOf(error: unknown): unknown[] | null {
  if (typeof error === 'object' && error !== null && 'writeErrors' in error && Array.isArray(error.writeErrors)) return error.writeErrors;
  return null;
}

/** The position in the batch of a write error (`index`, or `err.index` in older drivers). */
function indexOfWriteError(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  if ('index' in error && typeof error.index === 'number') return error.index;
  if ('err' in error) return indexOfWriteError(error.err);
  return null;
}

import type { Redis } from 'ioredis';
import { findByIds } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { queuePageIdOf, type RecipientDoc } from './campaigns.model.js';
import type { CampaignModels } from './campaigns.ports.js';

const cursorKey = (campaignId: string): string => `cmpqueue:${campaignId}`;
const endKey = (campaignId: string): string => `cmpqueue:${campaignId}:end`;
const KEEP_SECONDS = 90 * 86_400;

/**
 * Hands out a campaign's queue pages (written at materialisation) in order, each page to one
 * process: a shared Redis counter says which page is next. Reading a page and its recipients goes
 * by `_id` alone, so a batch costs the same whether the campaign has a hundred recipients or a
 * hundred thousand (FerretDB would read every recipient to find who is queued).
 *
 * The pages are a fast path, not the truth: a recipient whose page was taken by a process that
 * died, or who is queued again (a retry), is still `queued`, and the recipients' own status query
 * finds them once every page has been handed out.
 */
export class SendQueue {
  constructor(
    private readonly db: Database,
    private readonly redis: Redis,
    private readonly models: CampaignModels,
  ) {}

  /** Whether every page was handed out (or the campaign has none). */
  async exhausted(campaignId: string): Promise<boolean> {
    return (await this.redis.exists(endKey(campaignId))) === 1;
  }

  /**
   * Takes pages until they hold at least `size` recipients still queued and due (not in `busy`),
   * or none is left. Null when every page was handed out before this call found anyone.
   */
  async take(tenantId: string, campaignId: string, size: number, busy: ReadonlySet<string>): Promise<RecipientDoc[] | null> {
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
}

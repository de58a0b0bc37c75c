import { Types, type Model, type QueryFilter } from 'mongoose';
import type { AudienceMember, ContactSettings } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import type { CustomerDoc } from '../customers/index.js';
import { contactSettingsSchema, type ContactSettingsDoc } from './settings.model.js';

const BATCH = 500;
const MEMBER_FIELDS = { phone: 1, waId: 1, name: 1, marketingConsent: 1, unreachable: 1, country: 1, attributes: 1, tags: 1 } as const;

/** Tags and lists to add to, or take from, many contacts at once. */
export interface ContactsEdit {
  add: Partial<Record<'tags' | 'listIds', string[]>>;
  remove: Partial<Record<'tags' | 'listIds', string[]>>;
}

/**
 * The tenant's customers as contacts: searched, counted, streamed as an audience and edited in
 * bulk (the collection itself belongs to the customers domain, which hands it over), and the
 * tenant's contact settings.
 */
export class ContactsRepository {
  private readonly settings: (tenantId: string) => Model<ContactSettingsDoc>;

  constructor(
    private readonly db: Database,
    readonly customers: (tenantId: string) => Model<CustomerDoc>,
  ) {
    this.settings = db.defineTenantModel('ContactSettings', contactSettingsSchema);
  }

  /** Newest first; people added together (one import) by name. */
  async page(tenantId: string, filter: QueryFilter<CustomerDoc>, page: number, limit: number): Promise<CustomerDoc[]> {
    return this.customers(tenantId)
      .find(filter)
      .sort({ createdAt: -1, name: 1, _id: 1 })
      .skip((page - 1) * limit)
      .limit(limit)
      .lean();
  }

  async count(tenantId: string, filter: QueryFilter<CustomerDoc>): Promise<number> {
    return this.customers(tenantId).countDocuments(filter);
  }

  /**
   * How many customers the tenant has, as the collection counts itself: no pass over the
   * documents, which FerretDB would decode one by one (0.16 s instead of 8 s at 100,000). A
   * sharded MongoDB answers once per shard.
   */
  async countAll(tenantId: string): Promise<number> {
    const stats = await this.customers(tenantId).aggregate<{ count?: number }>([{ $collStats: { count: {} } }]);
    return stats.reduce((sum, shard) => sum + (shard.count ?? 0), 0);
  }

  /**
   * How many match, and how many of those granted marketing consent: one pass over the matches,
   * counted by consent state (FerretDB reads the whole collection for each query, so two counts
   * would read it twice).
   */
  async countByConsent(tenantId: string, query: QueryFilter<CustomerDoc>): Promise<{ total: number; consenting: number }> {
    const byState = await this.customers(tenantId).aggregate<{ _id: string | null; n: number }>([{ $match: query }, { $group: { _id: '$marketingConsent', n: { $sum: 1 } } }]);
    return { total: byState.reduce((sum, state) => sum + state.n, 0), consenting: byState.find((state) => state._id === 'granted')?.n ?? 0 };
  }

  /**
   * Every match with a phone, once, through one cursor read in batches of BATCH. Pages by
   * `_id > last` would each be a read of the whole collection on FerretDB, which filters outside
   * its storage: a quadratic cost for a large audience. The same people in the same order on each
   * run either way. MongoDB walks its `_id` index; FerretDB would read and sort the whole
   * audience before the first member, so there they come in stored order, as they are read, and
   * what is built from them is written meanwhile.
   */
  async *streamMembers(tenantId: string, query: QueryFilter<CustomerDoc>): AsyncGenerator<AudienceMember> {
    const found = this.customers(tenantId).find(query, MEMBER_FIELDS);
    const cursor = (this.db.guardsOnServer ? found.sort({ _id: 1 }) : found).lean<Pick<CustomerDoc, '_id' | keyof typeof MEMBER_FIELDS>[]>().cursor({ batchSize: BATCH });
    try {
      for await (const doc of cursor) {
        if (doc.phone) yield toAudienceMember(doc);
      }
    } finally {
      await cursor.close();
    }
  }

  async update(tenantId: string, id: Types.ObjectId, set: Partial<CustomerDoc>): Promise<void> {
    await this.customers(tenantId).updateOne({ _id: id }, { $set: set });
  }

  /** How many of these contacts exist. */
  async countIds(tenantId: string, ids: string[]): Promise<number> {
    return this.customers(tenantId).countDocuments(byIds(ids));
  }

  /** Tags and list memberships for many contacts in two updates, not one per contact. */
  async editMany(tenantId: string, ids: string[], edit: ContactsEdit): Promise<void> {
    const filter = byIds(ids);
    const add: Record<string, { $each: string[] }> = {};
    for (const [field, values] of Object.entries(edit.add)) if (values.length > 0) add[field] = { $each: values };
    const pull: Record<string, string[]> = {};
    for (const [field, values] of Object.entries(edit.remove)) if (values.length > 0) pull[field] = values;
    // Two updates: MongoDB refuses $addToSet and $pullAll on the same path in one; FerretDB 1.24 ignores $pull with $in.
    if (Object.keys(add).length > 0) await this.customers(tenantId).updateMany(filter, { $addToSet: add });
    if (Object.keys(pull).length > 0) await this.customers(tenantId).updateMany(filter, { $pullAll: pull });
  }

  async distinctTags(tenantId: string): Promise<string[]> {
    const tags: unknown[] = await this.customers(tenantId).distinct('tags');
    return tags.filter((t): t is string => typeof t === 'string');
  }

  async findSettings(tenantId: string): Promise<ContactSettingsDoc | null> {
    return this.settings(tenantId).findById('contacts').lean();
  }

  async saveSettings(tenantId: string, settings: ContactSettings): Promise<void> {
    await this.settings(tenantId).replaceOne({ _id: 'contacts' }, { _id: 'contacts', ...settings, updatedAt: new Date() }, { upsert: true });
  }
}

function byIds(ids: string[]): QueryFilter<CustomerDoc> {
  return { _id: { $in: ids.map((id) => new Types.ObjectId(id)) } };
}

function toAudienceMember(doc: Pick<CustomerDoc, '_id' | keyof typeof MEMBER_FIELDS>): AudienceMember {
  return {
    customerId: String(doc._id),
    phone: doc.phone ?? '',
    waId: doc.waId,
    name: doc.name,
    marketingConsent: doc.marketingConsent,
    unreachable: doc.unreachable,
    country: doc.country ?? null,
    attributes: doc.attributes ?? {},
    tags: doc.tags ?? [],
  };
}

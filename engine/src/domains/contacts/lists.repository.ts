import { Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import type { CustomerDoc } from '../customers/index.js';
import { contactListSchema, type ContactListDoc } from './lists.model.js';

/** Contact lists, and their members as the customers' `listIds` record them. */
export class ListsRepository {
  readonly lists: (tenantId: string) => Model<ContactListDoc>;

  constructor(
    db: Database,
    private readonly customers: (tenantId: string) => Model<CustomerDoc>,
  ) {
    this.lists = db.defineTenantModel('ContactList', contactListSchema);
  }

  async all(tenantId: string): Promise<ContactListDoc[]> {
    return this.lists(tenantId).find().sort({ nameKey: 1 }).lean();
  }

  async find(tenantId: string, id: string): Promise<ContactListDoc | null> {
    return Types.ObjectId.isValid(id) ? this.lists(tenantId).findById(id).lean() : null;
  }

  /** How many of these lists exist. */
  async countExisting(tenantId: string, ids: string[]): Promise<number> {
    return this.lists(tenantId).countDocuments({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } });
  }

  /**
   * The member count of each list, counted in one pass over the members of any list (FerretDB
   * reads the whole collection for each query, so a count per list would read it once per list).
   */
  async memberCounts(tenantId: string, ids: string[]): Promise<Map<string, number>> {
    const counted = await this.customers(tenantId).aggregate<{ _id: string; n: number }>([{ $match: { listIds: { $in: ids } } }, { $unwind: '$listIds' }, { $group: { _id: '$listIds', n: { $sum: 1 } } }]);
    return new Map(counted.map((c) => [c._id, c.n]));
  }

  async countMembers(tenantId: string, id: string): Promise<number> {
    return this.customers(tenantId).countDocuments({ listIds: id });
  }

  /** Throws the duplicate-key error of the unique `nameKey` when the name is taken. */
  async create(tenantId: string, list: Omit<ContactListDoc, '_id'>): Promise<ContactListDoc> {
    return (await this.lists(tenantId).create(list)).toObject();
  }

  /** Throws the duplicate-key error of the unique `nameKey` when the name is taken. */
  async rename(tenantId: string, id: Types.ObjectId, name: string): Promise<void> {
    await this.lists(tenantId).updateOne({ _id: id }, { $set: { name, nameKey: name.toLowerCase(), updatedAt: new Date() } });
  }

  /** Its people stay; they only stop being members (of `listId`, the id as the caller gave it). */
  async remove(tenantId: string, listId: string, stored: Types.ObjectId): Promise<void> {
    await this.customers(tenantId).updateMany({ listIds: listId }, { $pull: { listIds: listId } });
    await this.lists(tenantId).deleteOne({ _id: stored });
  }
}

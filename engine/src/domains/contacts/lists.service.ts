import { Types, type Model } from 'mongoose';
import type { ContactListView } from '@parley/common';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';
import type { ContactListDoc } from './lists.model.js';
import { toListView } from './contacts.views.js';

/** Contact lists: named groups; a person's memberships are on the person (`listIds`). */
export class ContactListsService {
  constructor(
    private readonly lists: (tenantId: string) => Model<ContactListDoc>,
    private readonly customers: (tenantId: string) => Model<CustomerDoc>,
  ) {}

  /**
   * Every list with its member count, counted in one pass over the members of any list (FerretDB
   * reads the whole collection for each query, so a count per list would read it once per list).
   */
  async list(tenantId: string): Promise<ContactListView[]> {
    const docs = await this.lists(tenantId).find().sort({ nameKey: 1 }).lean();
    if (docs.length === 0) return [];
    const ids = docs.map((d) => String(d._id));
    const counted = await this.customers(tenantId).aggregate<{ _id: string; n: number }>([{ $match: { listIds: { $in: ids } } }, { $unwind: '$listIds' }, { $group: { _id: '$listIds', n: { $sum: 1 } } }]);
    const counts = new Map(counted.map((c) => [c._id, c.n]));
    return docs.map((d) => toListView(d, counts.get(String(d._id)) ?? 0));
  }

  async get(tenantId: string, id: string): Promise<ContactListDoc> {
    const doc = Types.ObjectId.isValid(id) ? await this.lists(tenantId).findById(id).lean() : null;
    if (!doc) throw AppError.notFound('Contact list');
    return doc;
  }

  async create(tenantId: string, name: string, userId: string): Promise<ContactListView> {
    const now = new Date();
    try {
      const doc = await this.lists(tenantId).create({ name, nameKey: name.toLowerCase(), createdBy: userId, createdAt: now, updatedAt: now });
      return toListView(doc.toObject(), 0);
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(name) : error;
    }
  }

  async rename(tenantId: string, id: string, name: string): Promise<ContactListView> {
    const doc = await this.get(tenantId, id);
    try {
      await this.lists(tenantId).updateOne({ _id: doc._id }, { $set: { name, nameKey: name.toLowerCase(), updatedAt: new Date() } });
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(name) : error;
    }
    return toListView({ ...doc, name }, await this.customers(tenantId).countDocuments({ listIds: id }));
  }

  /** Deleting a list keeps its people: they only stop being members. */
  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.get(tenantId, id);
    await this.customers(tenantId).updateMany({ listIds: id }, { $pull: { listIds: id } });
    await this.lists(tenantId).deleteOne({ _id: doc._id });
  }
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A list named "${name}" already exists`, { fields: [{ field: 'body.name', message: 'is already used by another list' }] });
}

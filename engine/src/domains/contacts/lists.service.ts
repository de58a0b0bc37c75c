import type { ContactListView } from '@parley/common';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { ContactListDoc } from './lists.model.js';
import type { ListsRepository } from './lists.repository.js';
import { toListView } from './contacts.views.js';

/** Contact lists: named groups; a person's memberships are on the person (`listIds`). */
export class ContactListsService {
  constructor(private readonly repository: ListsRepository) {}

  /** Every list with its member count. */
  async list(tenantId: string): Promise<ContactListView[]> {
    const docs = await this.repository.all(tenantId);
    if (docs.length === 0) return [];
    const counts = await this.repository.memberCounts(tenantId, docs.map((d) => String(d._id)));
    return docs.map((d) => toListView(d, counts.get(String(d._id)) ?? 0));
  }

  async get(tenantId: string, id: string): Promise<ContactListDoc> {
    const doc = await this.repository.find(tenantId, id);
    if (!doc) throw AppError.notFound('Contact list');
    return doc;
  }

  async create(tenantId: string, name: string, userId: string): Promise<ContactListView> {
    const now = new Date();
    try {
      const doc = await this.repository.create(tenantId, { name, nameKey: name.toLowerCase(), createdBy: userId, createdAt: now, updatedAt: now });
      return toListView(doc, 0);
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(name) : error;
    }
  }

  async rename(tenantId: string, id: string, name: string): Promise<ContactListView> {
    const doc = await this.get(tenantId, id);
    try {
      await this.repository.rename(tenantId, doc._id, name);
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(name) : error;
    }
    return toListView({ ...doc, name }, await this.repository.countMembers(tenantId, id));
  }

  /** Deleting a list keeps its people: they only stop being members. */
  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.get(tenantId, id);
    await this.repository.remove(tenantId, id, doc._id);
  }
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A list named "${name}" already exists`, { fields: [{ field: 'body.name', message: 'is already used by another list' }] });
}

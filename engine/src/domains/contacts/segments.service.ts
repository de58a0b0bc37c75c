import type { SegmentFilter, SegmentView } from '@parley/common';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { SegmentDoc } from './segments.model.js';
import type { SegmentsRepository } from './segments.repository.js';
import type { ContactsRepository } from './contacts.repository.js';
import { segmentToQuery } from './segment-query.js';
import { toSegmentView } from './contacts.views.js';

/** Saved segments: a name and a filter; the count is always computed now. */
export class SegmentsService {
  constructor(
    private readonly repository: SegmentsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async count(tenantId: string, filter: SegmentFilter): Promise<SegmentView['count']> {
    return this.contacts.countByConsent(tenantId, segmentToQuery(filter));
  }

  async list(tenantId: string): Promise<SegmentView[]> {
    const docs = await this.repository.all(tenantId);
    return Promise.all(docs.map(async (d) => toSegmentView(d, await this.count(tenantId, d.filter))));
  }

  async get(tenantId: string, id: string): Promise<SegmentDoc> {
    const doc = await this.repository.find(tenantId, id);
    if (!doc) throw AppError.notFound('Segment');
    return doc;
  }

  async view(tenantId: string, id: string): Promise<SegmentView> {
    const doc = await this.get(tenantId, id);
    return toSegmentView(doc, await this.count(tenantId, doc.filter));
  }

  async create(tenantId: string, body: { name: string; filter: SegmentFilter }, userId: string): Promise<SegmentView> {
    const now = new Date();
    try {
      const doc = await this.repository.create(tenantId, { ...body, nameKey: body.name.toLowerCase(), createdBy: userId, createdAt: now, updatedAt: now });
      return toSegmentView(doc, await this.count(tenantId, body.filter));
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(body.name) : error;
    }
  }

  async update(tenantId: string, id: string, body: { name: string; filter: SegmentFilter }): Promise<SegmentView> {
    const doc = await this.get(tenantId, id);
    try {
      await this.repository.update(tenantId, doc._id, body);
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(body.name) : error;
    }
    return toSegmentView({ ...doc, ...body }, await this.count(tenantId, body.filter));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.get(tenantId, id);
    await this.repository.remove(tenantId, doc._id);
  }
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A segment named "${name}" already exists`, { fields: [{ field: 'body.name', message: 'is already used by another segment' }] });
}

import { Types, type Model } from 'mongoose';
import type { SegmentFilter, SegmentView } from '@parley/common';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';
import type { SegmentDoc } from './segments.model.js';
import { segmentToQuery } from './segment-query.js';
import { countWithConsent } from './audience.js';
import { toSegmentView } from './contacts.views.js';

/** Saved segments: a name and a filter; the count is always computed now. */
export class SegmentsService {
  constructor(
    private readonly segments: (tenantId: string) => Model<SegmentDoc>,
    private readonly customers: (tenantId: string) => Model<CustomerDoc>,
  ) {}

  async count(tenantId: string, filter: SegmentFilter): Promise<SegmentView['count']> {
    return countWithConsent(this.customers(tenantId), segmentToQuery(filter));
  }

  async list(tenantId: string): Promise<SegmentView[]> {
    const docs = await this.segments(tenantId).find().sort({ nameKey: 1 }).lean();
    return Promise.all(docs.map(async (d) => toSegmentView(d, await this.count(tenantId, d.filter))));
  }

  async get(tenantId: string, id: string): Promise<SegmentDoc> {
    const doc = Types.ObjectId.isValid(id) ? await this.segments(tenantId).findById(id).lean() : null;
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
      const doc = await this.segments(tenantId).create({ ...body, nameKey: body.name.toLowerCase(), createdBy: userId, createdAt: now, updatedAt: now });
      return toSegmentView(doc.toObject(), await this.count(tenantId, body.filter));
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(body.name) : error;
    }
  }

  async update(tenantId: string, id: string, body: { name: string; filter: SegmentFilter }): Promise<SegmentView> {
    const doc = await this.get(tenantId, id);
    try {
      await this.segments(tenantId).updateOne({ _id: doc._id }, { $set: { ...body, nameKey: body.name.toLowerCase(), updatedAt: new Date() } });
    } catch (error) {
      throw isDuplicateKeyError(error) ? nameTaken(body.name) : error;
    }
    return toSegmentView({ ...doc, ...body }, await this.count(tenantId, body.filter));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.get(tenantId, id);
    await this.segments(tenantId).deleteOne({ _id: doc._id });
  }
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A segment named "${name}" already exists`, { fields: [{ field: 'body.name', message: 'is already used by another segment' }] });
}

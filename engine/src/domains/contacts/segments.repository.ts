import { Types, type Model } from 'mongoose';
import type { SegmentFilter } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { segmentSchema, type SegmentDoc } from './segments.model.js';

/** Saved segments: a name and a filter, never a stored count. */
export class SegmentsRepository {
  readonly segments: (tenantId: string) => Model<SegmentDoc>;

  constructor(db: Database) {
    this.segments = db.defineTenantModel('Segment', segmentSchema);
  }

  async all(tenantId: string): Promise<SegmentDoc[]> {
    return this.segments(tenantId).find().sort({ nameKey: 1 }).lean();
  }

  async find(tenantId: string, id: string): Promise<SegmentDoc | null> {
    return Types.ObjectId.isValid(id) ? this.segments(tenantId).findById(id).lean() : null;
  }

  /** Throws the duplicate-key error of the unique `nameKey` when the name is taken. */
  async create(tenantId: string, segment: Omit<SegmentDoc, '_id'>): Promise<SegmentDoc> {
    return (await this.segments(tenantId).create(segment)).toObject();
  }

  /** Throws the duplicate-key error of the unique `nameKey` when the name is taken. */
  async update(tenantId: string, id: Types.ObjectId, body: { name: string; filter: SegmentFilter }): Promise<void> {
    await this.segments(tenantId).updateOne({ _id: id }, { $set: { ...body, nameKey: body.name.toLowerCase(), updatedAt: new Date() } });
  }

  async remove(tenantId: string, id: Types.ObjectId): Promise<void> {
    await this.segments(tenantId).deleteOne({ _id: id });
  }
}

import { Schema, Types } from 'mongoose';
import type { SegmentFilter } from '@parley/common';

/** A named, saved filter on contacts; its count is computed live, never stored. */
export interface SegmentDoc {
  _id: Types.ObjectId;
  name: string;
  /** Lower-cased name, unique per tenant. */
  nameKey: string;
  filter: SegmentFilter;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const segmentSchema = new Schema<SegmentDoc>(
  {
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    filter: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'segments', versionKey: false, minimize: false },
);
segmentSchema.index({ nameKey: 1 }, { unique: true });

import { Schema, Types } from 'mongoose';
import type { Plan, TenantStatus } from '@parley/common';

export interface TenantDoc {
  _id: Types.ObjectId;
  name: string;
  slug: string;
  plan: Plan;
  status: TenantStatus;
  suspendedReason: string | null;
  dbName: string;
  createdAt: Date;
  createdBy: string | null;
}

export const tenantSchema = new Schema<TenantDoc>(
  {
    name: { type: String, required: true },
    slug: { type: String, required: true },
    plan: { type: String, required: true },
    status: { type: String, required: true, default: 'active' },
    suspendedReason: { type: String, default: null },
    dbName: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
  },
  { collection: 'tenants', versionKey: false },
);
// The slug is the tenant's public handle; a unique index makes two onboardings of one slug
// impossible even when they race (a unique insert is atomic on FerretDB as on MongoDB).
tenantSchema.index({ slug: 1 }, { unique: true });

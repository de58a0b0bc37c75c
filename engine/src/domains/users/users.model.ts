import { Schema, Types } from 'mongoose';
import type { MembershipStatus, PlatformRole, TenantRole } from '@parley/common';

export interface Membership {
  tenantId: string;
  roles: TenantRole[];
  status: MembershipStatus;
  joinedAt: Date;
}

export interface UserDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  platformRole: PlatformRole | null;
  memberships: Membership[];
  createdAt: Date;
  lastLoginAt: Date | null;
  passwordChangedAt: Date | null;
}

const membershipSchema = new Schema<Membership>(
  {
    tenantId: { type: String, required: true },
    roles: { type: [String], required: true },
    status: { type: String, required: true, default: 'active' },
    joinedAt: { type: Date, required: true },
  },
  { _id: false },
);

/** Users are platform-wide (one login, several tenants); what they may do is per membership. */
export const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    platformRole: { type: String, default: null },
    memberships: { type: [membershipSchema], default: [] },
    createdAt: { type: Date, required: true },
    lastLoginAt: { type: Date, default: null },
    passwordChangedAt: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ 'memberships.tenantId': 1 });

export function activeMembership(user: Pick<UserDoc, 'memberships'>, tenantId: string): Membership | undefined {
  return user.memberships.find((membership) => membership.tenantId === tenantId && membership.status === 'active');
}

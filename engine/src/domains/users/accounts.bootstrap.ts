import type { Model } from 'mongoose';
import type { PlatformRole, TenantRole } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { hashPassword, type ScryptCost } from '../../platform/crypto/passwords.js';
import { userSchema, type UserDoc } from './users.model.js';

export interface BootstrapAccount {
  email: string;
  name: string;
  password: string;
  platformRole?: PlatformRole | null;
  membership?: { tenantId: string; roles: TenantRole[] };
}

/**
 * Creates an account with a known password, or brings an existing one to the given password,
 * role and membership. For operators only: the first platform admin of a deployment, the demo
 * seed and tests. People joining a tenant go through invitations.
 */
export async function ensureAccount(db: Database, account: BootstrapAccount, cost: ScryptCost): Promise<string> {
  const users: Model<UserDoc> = db.definePlatformModel('User', userSchema);
  const passwordHash = await hashPassword(account.password, cost);
  const existing = await users.findOne({ email: account.email }).lean();
  const membership = account.membership ? { ...account.membership, status: 'active' as const, joinedAt: new Date() } : null;
  if (existing) {
    const memberships = membership
      ? [...existing.memberships.filter((m) => m.tenantId !== membership.tenantId), membership]
      : existing.memberships;
    await users.updateOne(
      { _id: existing._id },
      { $set: { passwordHash, name: account.name, platformRole: account.platformRole ?? existing.platformRole, memberships } },
    );
    return String(existing._id);
  }
  const created = await users.create({
    email: account.email,
    name: account.name,
    passwordHash,
    platformRole: account.platformRole ?? null,
    memberships: membership ? [membership] : [],
    createdAt: new Date(),
    lastLoginAt: null,
    passwordChangedAt: null,
  });
  return String(created._id);
}

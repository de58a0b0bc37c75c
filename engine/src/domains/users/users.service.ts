import { Types, type Model } from 'mongoose';
import { ROOMS, type TenantRole, type TenantUserView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { SessionStore } from '../../platform/auth/sessions.js';
import type { AuditService } from '../audit/index.js';
import { userSchema, type UserDoc } from './users.model.js';

export interface Actor {
  id: string;
  email: string;
  ip: string | null;
}

/** A tenant admin's view of the people in their tenant. Every query is scoped to that tenant. */
export class UsersService {
  private readonly users: Model<UserDoc>;

  constructor(
    db: Database,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeEmitter,
    private readonly sessions: SessionStore,
  ) {
    this.users = db.definePlatformModel('User', userSchema);
  }

  async list(tenantId: string): Promise<TenantUserView[]> {
    const users = await this.users.find({ 'memberships.tenantId': tenantId }).sort({ name: 1 }).lean();
    return users.flatMap((user) => {
      const view = toTenantUserView(user, tenantId);
      return view ? [view] : [];
    });
  }

  async countByTenant(tenantIds: string[]): Promise<Map<string, number>> {
    const users = await this.users.find({ 'memberships.tenantId': { $in: tenantIds } }, { memberships: 1 }).lean();
    const counts = new Map<string, number>();
    for (const user of users) {
      for (const m of user.memberships) {
        if (tenantIds.includes(m.tenantId) && m.status === 'active') counts.set(m.tenantId, (counts.get(m.tenantId) ?? 0) + 1);
      }
    }
    return counts;
  }

  async changeRoles(tenantId: string, userId: string, roles: TenantRole[], actor: Actor): Promise<TenantUserView> {
    const user = await this.findMember(tenantId, userId);
    const membership = user.memberships.find((m) => m.tenantId === tenantId);
    const before = membership?.roles ?? [];
    if (before.includes('tenant_admin') && !roles.includes('tenant_admin')) {
      await this.assertAnotherActiveAdmin(tenantId, userId);
    }
    const memberships = user.memberships.map((m) => (m.tenantId === tenantId ? { ...m, roles } : m));
    await this.users.updateOne({ _id: user._id }, { $set: { memberships } });
    this.sessions.rightsChanged(userId);
    const view = await this.view(tenantId, userId);
    await this.audit.recordTenant(tenantId, {
      action: 'user.roles_changed',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'user', id: userId, label: user.email },
      before: { roles: before },
      after: { roles },
      ip: actor.ip,
    });
    this.realtime.toRooms([ROOMS.readers(tenantId, 'User')], 'user:updated', view);
    return view;
  }

  async setStatus(tenantId: string, userId: string, status: 'active' | 'deactivated', actor: Actor): Promise<TenantUserView> {
    const user = await this.findMember(tenantId, userId);
    const membership = user.memberships.find((m) => m.tenantId === tenantId);
    if (status === 'deactivated' && membership?.roles.includes('tenant_admin')) {
      await this.assertAnotherActiveAdmin(tenantId, userId);
    }
    const memberships = user.memberships.map((m) => (m.tenantId === tenantId ? { ...m, status } : m));
    await this.users.updateOne({ _id: user._id }, { $set: { memberships } });
    if (status === 'deactivated') {
      await this.sessions.destroyAllForUser(userId, 'DEACTIVATED');
    }
    const view = await this.view(tenantId, userId);
    await this.audit.recordTenant(tenantId, {
      action: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'user', id: userId, label: user.email },
      before: { status: membership?.status ?? null },
      after: { status },
      ip: actor.ip,
    });
    this.realtime.toRooms([ROOMS.readers(tenantId, 'User')], 'user:updated', view);
    return view;
  }

  async view(tenantId: string, userId: string): Promise<TenantUserView> {
    const view = toTenantUserView(await this.findMember(tenantId, userId), tenantId);
    if (!view) throw AppError.notFound('User');
    return view;
  }

  /** Ids from another tenant answer exactly like ids that do not exist: 404, nothing revealed. */
  private async findMember(tenantId: string, userId: string): Promise<UserDoc> {
    if (!Types.ObjectId.isValid(userId)) throw AppError.notFound('User');
    const user = await this.users.findOne({ _id: new Types.ObjectId(userId), 'memberships.tenantId': tenantId }).lean();
    if (!user) throw AppError.notFound('User');
    return user;
  }

  /** A tenant never loses its last active admin: someone must be able to manage it. */
  private async assertAnotherActiveAdmin(tenantId: string, exceptUserId: string): Promise<void> {
    const admins = await this.users.find({ 'memberships.tenantId': tenantId }).lean();
    const others = admins.filter(
      (user) =>
        String(user._id) !== exceptUserId &&
        user.memberships.some((m) => m.tenantId === tenantId && m.status === 'active' && m.roles.includes('tenant_admin')),
    );
    if (others.length === 0) {
      throw new AppError('CONFLICT', 'This is the last active tenant admin; make someone else an admin first', {
        fields: [{ field: 'roles', message: 'the tenant needs at least one active tenant admin' }],
      });
    }
  }
}

export function toTenantUserView(user: UserDoc, tenantId: string): TenantUserView | null {
  const membership = user.memberships.find((m) => m.tenantId === tenantId);
  if (!membership) return null;
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    roles: membership.roles,
    status: membership.status,
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
  };
}

import { Types, type Model } from 'mongoose';
import type { CreateTenantBody, CreatedTenantView, TenantView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AuditService } from '../audit/index.js';
import { tenantSchema, type TenantDoc } from './tenants.model.js';
import type { TenantRegistry, TenantSummary } from './tenant-registry.js';

export interface PlatformActor {
  id: string;
  email: string;
  ip: string | null;
}

/** What tenants need of the users domain, wired at composition time. */
export interface TenantMembers {
  inviteFirstAdmin(tenantId: string, email: string, actor: PlatformActor): Promise<{ link: string }>;
  countMembers(tenantIds: string[]): Promise<Map<string, number>>;
}

/** Tenants: onboarding (with its own database), listing, suspension; lookups read the registry. */
export class TenantsService {
  private readonly tenants: Model<TenantDoc>;

  constructor(
    private readonly db: Database,
    private readonly registry: TenantRegistry,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeEmitter,
    private readonly members: TenantMembers,
  ) {
    this.tenants = db.definePlatformModel('Tenant', tenantSchema);
  }

  async create(input: CreateTenantBody, actor: PlatformActor): Promise<CreatedTenantView> {
    const id = new Types.ObjectId();
    const tenantId = String(id);
    try {
      await this.tenants.create({
        _id: id,
        name: input.name,
        slug: input.slug,
        plan: input.plan,
        status: 'active',
        suspendedReason: null,
        dbName: this.db.tenantDbName(tenantId),
        createdAt: new Date(),
        createdBy: actor.email,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new AppError('CONFLICT', `The slug "${input.slug}" is taken`, { fields: [{ field: 'body.slug', message: 'is already used by another tenant' }] });
    }
    try {
      await this.db.provisionTenant(tenantId);
      await this.audit.recordPlatform({ action: 'tenant.created', actor, target: { type: 'tenant', id: tenantId, label: input.slug }, after: input, ip: actor.ip });
      await this.audit.recordTenant(tenantId, { action: 'tenant.created', actor, target: { type: 'tenant', id: tenantId, label: input.slug }, after: input, ip: actor.ip });
      const { link } = await this.members.inviteFirstAdmin(tenantId, input.adminEmail, actor);
      return { tenant: await this.view(tenantId), invitationLink: link };
    } catch (error) {
      // No half-onboarded tenant: without its database or first invitation, it is removed.
      await this.tenants.deleteOne({ _id: id });
      await this.db.dropTenant(tenantId).catch(() => undefined);
      this.registry.forget(tenantId);
      throw error;
    }
  }

  async list(): Promise<TenantView[]> {
    const docs = await this.tenants.find().sort({ createdAt: -1 }).lean();
    const counts = await this.members.countMembers(docs.map((doc) => String(doc._id)));
    return docs.map((doc) => toView(doc, counts.get(String(doc._id)) ?? 0));
  }

  async setStatus(tenantId: string, status: 'active' | 'suspended', reason: string | null, actor: PlatformActor): Promise<TenantView> {
    const doc = await this.findDoc(tenantId);
    await this.tenants.updateOne({ _id: doc._id }, { $set: { status, suspendedReason: status === 'suspended' ? reason : null } });
    this.registry.forget(tenantId);
    await this.audit.recordPlatform({
      action: status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated',
      actor,
      target: { type: 'tenant', id: tenantId, label: doc.slug },
      before: { status: doc.status },
      after: { status, reason },
      ip: actor.ip,
    });
    await this.audit.recordTenant(tenantId, {
      action: status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated',
      actor,
      target: { type: 'tenant', id: tenantId, label: doc.slug },
      after: { status, reason },
      ip: actor.ip,
    });
    if (status === 'suspended') this.realtime.endTenantSessions(tenantId, 'TENANT_SUSPENDED');
    return this.view(tenantId);
  }

  find(tenantId: string): Promise<TenantSummary | null> {
    return this.registry.find(tenantId);
  }

  isActive(tenantId: string): Promise<boolean> {
    return this.registry.isActive(tenantId);
  }

  findBySlug(slug: string): Promise<{ id: string } | null> {
    return this.registry.findBySlug(slug);
  }

  private async view(tenantId: string): Promise<TenantView> {
    const doc = await this.findDoc(tenantId);
    const counts = await this.members.countMembers([tenantId]);
    return toView(doc, counts.get(tenantId) ?? 0);
  }

  private async findDoc(tenantId: string): Promise<TenantDoc> {
    if (!Types.ObjectId.isValid(tenantId)) throw AppError.notFound('Tenant');
    const doc = await this.tenants.findById(tenantId).lean();
    if (!doc) throw AppError.notFound('Tenant');
    return doc;
  }
}

function toView(doc: TenantDoc, userCount: number): TenantView {
  return {
    id: String(doc._id),
    name: doc.name,
    slug: doc.slug,
    plan: doc.plan,
    status: doc.status,
    suspendedReason: doc.suspendedReason,
    createdAt: doc.createdAt.toISOString(),
    userCount,
  };
}

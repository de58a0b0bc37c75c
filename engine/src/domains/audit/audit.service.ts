import type { Model } from 'mongoose';
import type { AuditAction, AuditEntryView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { auditSchema, type AuditDoc } from './audit.model.js';

export interface AuditRecord {
  action: AuditAction;
  actor: { id: string | null; email: string | null };
  target: { type: string; id: string | null; label: string | null };
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

/** Writes who did what, before and after, to the tenant's audit log or the platform's. */
export class AuditService {
  private readonly platformModel: Model<AuditDoc>;
  private readonly tenantModel: (tenantId: string) => Model<AuditDoc>;

  constructor(db: Database) {
    this.platformModel = db.definePlatformModel('PlatformAudit', auditSchema);
    this.tenantModel = db.defineTenantModel('TenantAudit', auditSchema);
  }

  async recordPlatform(record: AuditRecord): Promise<void> {
    await this.platformModel.create(toDoc(record));
  }

  async recordTenant(tenantId: string, record: AuditRecord): Promise<void> {
    await this.tenantModel(tenantId).create(toDoc(record));
  }

  async listPlatform(query: { limit: number; action?: AuditAction }): Promise<AuditEntryView[]> {
    return list(this.platformModel, query);
  }

  async listTenant(tenantId: string, query: { limit: number; action?: AuditAction }): Promise<AuditEntryView[]> {
    return list(this.tenantModel(tenantId), query);
  }
}

function toDoc(record: AuditRecord): AuditDoc {
  return {
    at: new Date(),
    action: record.action,
    actorId: record.actor.id,
    actorEmail: record.actor.email,
    targetType: record.target.type,
    targetId: record.target.id,
    targetLabel: record.target.label,
    before: record.before ?? null,
    after: record.after ?? null,
    ip: record.ip ?? null,
  };
}

async function list(model: Model<AuditDoc>, query: { limit: number; action?: AuditAction }): Promise<AuditEntryView[]> {
  const filter = query.action ? { action: query.action } : {};
  const docs = await model.find(filter).sort({ at: -1 }).limit(query.limit).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    at: doc.at.toISOString(),
    action: doc.action,
    actor: { id: doc.actorId, email: doc.actorEmail },
    target: { type: doc.targetType, id: doc.targetId, label: doc.targetLabel },
    before: doc.before,
    after: doc.after,
    ip: doc.ip,
  }));
}

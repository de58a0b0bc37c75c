import { Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { tenantSchema, type TenantDoc } from './tenants.model.js';

export interface TenantSummary {
  id: string;
  name: string;
  slug: string;
  status: 'active' | 'suspended';
}

/**
 * Which tenants exist and whether each may act: what sign-in, invitations and every request read.
 * It needs nothing of another domain, so the users domain can be given it before the tenants
 * service (which invites a new tenant's first admin through the users domain) exists.
 */
export class TenantRegistry {
  private readonly tenants: Model<TenantDoc>;
  private readonly cache = new Map<string, { doc: TenantDoc; at: number }>();

  constructor(db: Database) {
    this.tenants = db.definePlatformModel('Tenant', tenantSchema);
  }

  /**
   * Looked up on every request to check the tenant is active. A short cache spares the database;
   * this process drops its entry on a status change, and other processes see it within 2 s.
   */
  async find(tenantId: string): Promise<TenantSummary | null> {
    const cached = this.cache.get(tenantId);
    let doc = cached && Date.now() - cached.at < 2000 ? cached.doc : null;
    if (!doc) {
      if (!Types.ObjectId.isValid(tenantId)) return null;
      doc = await this.tenants.findById(tenantId).lean();
      if (!doc) return null;
      this.cache.set(tenantId, { doc, at: Date.now() });
    }
    return { id: String(doc._id), name: doc.name, slug: doc.slug, status: doc.status };
  }

  /**
   * Whether the tenant may send (campaign batches, bot replies). Read through `find`'s cache: a
   * suspension stops this process's sends at once and every other process's within its 2 s.
   */
  async isActive(tenantId: string): Promise<boolean> {
    return (await this.find(tenantId))?.status === 'active';
  }

  async findBySlug(slug: string): Promise<{ id: string } | null> {
    const doc = await this.tenants.findOne({ slug }).lean();
    return doc ? { id: String(doc._id) } : null;
  }

  /** Called when this process changed or removed the tenant: its next `find` reads the database. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}

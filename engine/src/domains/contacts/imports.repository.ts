import { Types, type Model } from 'mongoose';
import type { ImportCounts } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { updateGuarded } from '../../platform/db/guarded.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import {
  contactImportSchema,
  importChunkSchema,
  importEndSchema,
  importRejectionSchema,
  importRunClaimSchema,
  type ContactImportDoc,
  type ImportChunkDoc,
  type ImportEndDoc,
  type ImportRejectionDoc,
  type ImportRunClaimDoc,
} from './imports.model.js';

/** A rejected row as the report keeps it. */
export type ImportRejection = Omit<ImportRejectionDoc, '_id' | 'importId'>;

/**
 * Contact imports: the import documents, the stored file's pieces, the claim that starts a run,
 * its rejected rows and the one end it is given. Claims and ends are unique inserts, the one
 * atomic write on both MongoDB and the local FerretDB (DESIGN §4).
 */
export class ImportsRepository {
  private readonly imports: (tenantId: string) => Model<ContactImportDoc>;
  private readonly chunks: (tenantId: string) => Model<ImportChunkDoc>;
  private readonly claims: (tenantId: string) => Model<ImportRunClaimDoc>;
  private readonly rejections: (tenantId: string) => Model<ImportRejectionDoc>;
  private readonly ends: (tenantId: string) => Model<ImportEndDoc>;

  constructor(private readonly db: Database) {
    this.imports = db.defineTenantModel('ContactImport', contactImportSchema);
    this.chunks = db.defineTenantModel('ContactImportChunk', importChunkSchema);
    this.claims = db.defineTenantModel('ContactImportRun', importRunClaimSchema);
    this.rejections = db.defineTenantModel('ContactImportRejection', importRejectionSchema);
    this.ends = db.defineTenantModel('ContactImportEnd', importEndSchema);
  }

  /** The uploaded file's pieces, in order, stored before the import that reads them. */
  async saveChunks(tenantId: string, pieces: ImportChunkDoc[]): Promise<void> {
    await this.chunks(tenantId).insertMany(pieces, { ordered: true, lean: true });
  }

  async create(tenantId: string, doc: ContactImportDoc): Promise<void> {
    await this.imports(tenantId).create(doc);
  }

  async recent(tenantId: string, limit: number): Promise<ContactImportDoc[]> {
    return this.imports(tenantId).find().sort({ createdAt: -1 }).limit(limit).lean();
  }

  async find(tenantId: string, id: string): Promise<ContactImportDoc | null> {
    return Types.ObjectId.isValid(id) ? this.imports(tenantId).findById(id).lean() : null;
  }

  /** In row order, the first `limit` when given. */
  async rejectionsOf(tenantId: string, importId: string, limit?: number): Promise<ImportRejection[]> {
    const found = this.rejections(tenantId).find({ importId }).sort({ row: 1 });
    return (limit === undefined ? found : found.limit(limit)).lean();
  }

  async saveRejections(tenantId: string, importId: string, rejections: ImportRejection[]): Promise<void> {
    for (let i = 0; i < rejections.length; i += 5000) {
      const docs = rejections.slice(i, i + 5000).map((r) => ({ _id: `${importId}:${r.row}`, importId, ...r }));
      await this.rejections(tenantId).insertMany(docs, { ordered: false, lean: true });
    }
  }

  /** Whether this caller won the run: the import's id is inserted as key, so only one does. */
  async claimRun(tenantId: string, importId: string): Promise<boolean> {
    try {
      await this.claims(tenantId).create({ _id: importId, at: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async update(tenantId: string, id: Types.ObjectId, set: Partial<ContactImportDoc>): Promise<void> {
    await this.imports(tenantId).updateOne({ _id: id }, { $set: set });
  }

  /** Progress of a run that is still running (a guarded write: never over an ended import). */
  async beat(tenantId: string, id: Types.ObjectId, progress: { processed: number; counts: ImportCounts }): Promise<void> {
    await updateGuarded(this.db, this.imports(tenantId), id, { status: 'running' }, { $set: { ...progress, progressAt: new Date() } });
  }

  /** Running imports that have not beaten since `silentSince`. */
  async silentSince(tenantId: string, silentSince: Date): Promise<ContactImportDoc[]> {
    return this.imports(tenantId).find({ status: 'running', progressAt: { $lt: silentSince } }).lean();
  }

  async chunksOf(tenantId: string, importId: string): Promise<ImportChunkDoc[]> {
    return this.chunks(tenantId).find({ importId }).sort({ n: 1 }).lean();
  }

  async deleteChunks(tenantId: string, importId: string): Promise<void> {
    await this.chunks(tenantId).deleteMany({ importId });
  }

  /** Stores the end unless one is stored already, and answers the end that stands. */
  async recordEnd(tenantId: string, end: ImportEndDoc): Promise<ImportEndDoc> {
    try {
      await this.ends(tenantId).create(end);
      return end;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const stored = await this.ends(tenantId).findById(end._id).lean();
      if (!stored) throw error;
      return stored;
    }
  }
}

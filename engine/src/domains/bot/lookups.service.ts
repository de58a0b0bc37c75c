import { Types, type Model } from 'mongoose';
import { ROOMS, type AuditAction, type FieldIssue, type LookupBody, type LookupKind, type LookupPatch, type LookupRow } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AuditService } from '../audit/index.js';
import { lookupSchema, type LookupDoc } from './lookups.model.js';
import { normalize } from './text.js';

export interface Actor {
  id: string;
  email: string;
  ip: string | null;
}

type Fields = Omit<LookupDoc, '_id' | 'kind' | 'createdAt' | 'updatedAt'>;

/**
 * The services, products and issues tables. Every change is audited, announced to the tenant's
 * screens, and handed to `changed` so every engine process drops its compiled matcher.
 */
export class LookupsService {
  private readonly lookups: (tenantId: string) => Model<LookupDoc>;

  constructor(
    db: Database,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeEmitter,
    private readonly changed: (tenantId: string) => Promise<void>,
  ) {
    this.lookups = db.defineTenantModel('Lookup', lookupSchema);
  }

  async list(tenantId: string, kind: LookupKind): Promise<LookupRow[]> {
    const docs = await this.lookups(tenantId).find({ kind }).sort({ nameKey: 1 }).lean();
    return docs.map(toRow);
  }

  /** Every active row of every table: what the bot matches and offers. */
  async active(tenantId: string): Promise<LookupRow[]> {
    const docs = await this.lookups(tenantId).find({ active: true }).sort({ nameKey: 1 }).lean();
    return docs.map(toRow);
  }

  async create(tenantId: string, kind: LookupKind, body: LookupBody, actor: Actor): Promise<LookupRow> {
    const fields = checked(kind, body);
    const now = new Date();
    const doc = await writeUnique(kind, () => this.lookups(tenantId).create({ ...fields, kind, createdAt: now, updatedAt: now }));
    const row = toRow(doc.toObject());
    await this.announce(tenantId, 'lookup.created', actor, row, null, row);
    return row;
  }

  async update(tenantId: string, kind: LookupKind, id: string, patch: LookupPatch, actor: Actor): Promise<LookupRow> {
    const existing = await this.find(tenantId, kind, id);
    const { _id, kind: _kind, createdAt: _createdAt, updatedAt: _updatedAt, ...current } = existing;
    const fields = checked(kind, { ...current, ...patch });
    const updatedAt = new Date();
    await writeUnique(kind, () => this.lookups(tenantId).updateOne({ _id, kind }, { $set: { ...fields, updatedAt } }));
    const before = toRow(existing);
    const after = toRow({ ...existing, ...fields, updatedAt });
    await this.announce(tenantId, 'lookup.updated', actor, after, before, after);
    return after;
  }

  async remove(tenantId: string, kind: LookupKind, id: string, actor: Actor): Promise<void> {
    const existing = await this.find(tenantId, kind, id);
    await this.lookups(tenantId).deleteOne({ _id: existing._id, kind });
    const before = toRow(existing);
    await this.announce(tenantId, 'lookup.deleted', actor, before, before, null);
  }

  /** An id of another tenant or another table answers like one that never existed. */
  private async find(tenantId: string, kind: LookupKind, id: string): Promise<LookupDoc> {
    if (!Types.ObjectId.isValid(id)) throw AppError.notFound('Lookup row');
    const doc = await this.lookups(tenantId).findOne({ _id: new Types.ObjectId(id), kind }).lean();
    if (!doc) throw AppError.notFound('Lookup row');
    return doc;
  }

  private async announce(tenantId: string, action: AuditAction, actor: Actor, row: LookupRow, before: LookupRow | null, after: LookupRow | null): Promise<void> {
    await this.audit.recordTenant(tenantId, {
      action,
      actor: { id: actor.id, email: actor.email },
      target: { type: 'lookup', id: row.id, label: `${row.kind}: ${row.name}` },
      before,
      after,
      ip: actor.ip,
    });
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Lookup')], 'lookups:changed', { kind: row.kind });
    await this.changed(tenantId);
  }
}

/** Rules the schema alone cannot state: they need the table's kind or the matcher's view of text. */
function checked(kind: LookupKind, body: LookupBody): Fields {
  const issues: FieldIssue[] = [];
  const nameKey = normalize(body.name);
  if (nameKey === '') issues.push({ field: 'body.name', message: 'must contain a letter or a digit' });
  body.synonyms.forEach((synonym, index) => {
    if (normalize(synonym) === '') issues.push({ field: `body.synonyms.${index}`, message: 'must contain a letter or a digit' });
  });
  if (kind !== 'products' && body.price !== null) issues.push({ field: 'body.price', message: 'only products have a price' });
  if (issues.length > 0) throw AppError.validation(issues);
  const { name, synonyms, description, reply, price, queue, active } = body;
  return { name, nameKey, synonyms, description, reply, price, queue, active };
}

/**
 * FerretDB 1.x on SQLite reports a unique-index violation by an update as error 1 carrying
 * SQLite's message, not as 11000 (inserts do give 11000); MongoDB gives 11000 for both.
 */
async function writeUnique<T>(kind: LookupKind, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    throw new AppError('CONFLICT', `Another row of ${kind} already has this name`, {
      fields: [{ field: 'body.name', message: `is already used in ${kind} (names are compared without case, accents or punctuation)` }],
    });
  }
}

function toRow(doc: LookupDoc): LookupRow {
  return {
    id: String(doc._id),
    kind: doc.kind,
    name: doc.name,
    synonyms: doc.synonyms,
    description: doc.description,
    reply: doc.reply,
    price: doc.price,
    queue: doc.queue,
    active: doc.active,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

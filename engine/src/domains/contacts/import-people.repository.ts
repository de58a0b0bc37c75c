import type { Model, Types, UpdateQuery } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { findByIds } from '../../platform/db/by-id.js';
import { updateById } from '../../platform/db/bulk.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { ConsentImportPageDoc, CustomerDoc } from '../customers/index.js';
import type { KnownContact } from './import-plan.js';

/** An import's writes to one tenant's people and consent ledger (see `import-writer.ts`). */
export interface ImportPeopleWrites {
  insertLedgerPage(page: ConsentImportPageDoc): Promise<void>;
  /**
   * Inserts the new people. Those refused because someone holds their `_id` or, for a customer
   * stored before ids were derived, their identity key, are answered by index with the `_id` of
   * whoever holds it (those whose holder is not found are left out).
   */
  insertNew(docs: CustomerDoc[]): Promise<Map<number, Types.ObjectId>>;
  /** Updates people, each by their `_id`. */
  update(updates: { _id: Types.ObjectId; update: UpdateQuery<CustomerDoc> }[]): Promise<void>;
}

/**
 * Where a contact import reads and writes the people of the customers domain's collection and
 * its consent ledger pages: phones read once, writes in bulk, never a query per row.
 */
export class ImportPeopleRepository {
  constructor(
    private readonly db: Database,
    private readonly customers: (tenantId: string) => Model<CustomerDoc>,
    private readonly ledgerPages: (tenantId: string) => Model<ConsentImportPageDoc>,
  ) {}

  /** Every phone the tenant has, read once: the import never asks the database row by row. */
  async knownPhones(tenantId: string): Promise<Map<string, KnownContact>> {
    const known = new Map<string, KnownContact>();
    const cursor = this.customers(tenantId).find({ phone: { $ne: null } }, { phone: 1, marketingConsent: 1, consentUpdatedAt: 1 }).lean().cursor({ batchSize: 5000 });
    for await (const c of cursor) {
      if (c.phone) known.set(c.phone, { id: c._id, marketingConsent: c.marketingConsent, consentUpdatedAt: c.consentUpdatedAt });
    }
    return known;
  }

  writesFor(tenantId: string): ImportPeopleWrites {
    const customers = this.customers(tenantId);
    const ledgerPages = this.ledgerPages(tenantId);
    return {
      insertLedgerPage: async (page) => {
        await ledgerPages.collection.insertOne(page);
      },
      insertNew: (docs) => this.insertNew(customers, docs),
      update: async (updates) => {
        if (updates.length > 0) await customers.bulkWrite(updates.map(({ _id, update }) => updateById<CustomerDoc>({ _id }, update)), { ordered: false });
      },
    };
  }

  /**
   * Someone wrote in (or another import ran) between loading the phones and inserting: the `_id`
   * derived from the number, or the unique identity key of a customer stored before ids were
   * derived, refuses the second copy.
   */
  private async insertNew(customers: Model<CustomerDoc>, docs: CustomerDoc[]): Promise<Map<number, Types.ObjectId>> {
    const holders = new Map<number, Types.ObjectId>();
    if (docs.length === 0) return holders;
    try {
      await customers.collection.insertMany(docs, { ordered: false });
      return holders;
    } catch (error) {
      const lost = writeErrorIndexes(error).flatMap((i) => {
        const doc = docs[i];
        return doc ? [{ i, doc }] : [];
      });
      const sameId = new Set((await findByIds(this.db, customers, lost.map(({ doc }) => String(doc._id)), { _id: 1 })).map((w) => String(w._id)));
      const others = lost.filter(({ doc }) => !sameId.has(String(doc._id)));
      const winners = others.length > 0 ? await customers.find({ identityKey: { $in: others.map(({ doc }) => doc.identityKey) } }, { _id: 1, identityKey: 1 }).lean() : [];
      const byKey = new Map(winners.map((w) => [w.identityKey, w._id]));
      for (const { i, doc } of lost) {
        const id = sameId.has(String(doc._id)) ? doc._id : byKey.get(doc.identityKey);
        if (id) holders.set(i, id);
      }
      return holders;
    }
  }
}

function writeErrorIndexes(error: unknown): number[] {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) throw error;
  const list = (error as { writeErrors: unknown }).writeErrors;
  const errors = Array.isArray(list) ? list : [list];
  return errors.map((e: { index?: number; err?: { index?: number }; code?: number; err_code?: number }) => {
    if (!isDuplicateKeyError(e) && !isDuplicateKeyError(e.err ?? null)) throw error;
    return e.index ?? e.err?.index ?? -1;
  });
}

import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { phoneIdentityKey, type ConsentChange, type ConsentEntryDoc, type CustomerDoc } from '../customers/index.js';
import type { Database } from '../../platform/db/database.js';
import { eachLimited, findByIds } from '../../platform/db/by-id.js';
import type { ImportPlan, PlannedPerson } from './import-plan.js';
import { updateById } from '../../platform/db/bulk.js';

export interface ImportTarget {
  db: Database;
  importId: string;
  fileName: string;
  customers: Model<CustomerDoc>;
  ledger: Model<ConsentEntryDoc>;
  /** Every person of the file joins these lists and gets these tags. */
  listIds: string[];
  addTags: string[];
}

/** About 5 ms per write on FerretDB/SQLite: a few thousand documents per round trip. */
const PERSONS_PER_BATCH = 2000;

function ledgerEntry(target: ImportTarget, person: PlannedPerson, at: Date): ConsentEntryDoc | null {
  const change = person.consentChange;
  if (!change) return null;
  const { consent } = change;
  return {
    _id: change.entryId,
    customerId: String(person.id),
    category: 'marketing',
    from: change.from,
    to: consent.to,
    source: 'import',
    evidence: {
      importId: target.importId,
      fileName: target.fileName,
      row: consent.line,
      // One string rather than a list of objects: FerretDB's cost per write grows with every
      // nested field, and the ledger takes one entry per person of the file.
      columns: consent.values.map((v) => `${v.column}: ${v.value}`).join(' | '),
      consentSource: consent.source,
      consentedAt: consent.time ? consent.time.toISOString() : null,
    },
    at,
  };
}

function consentFields(person: PlannedPerson, at: Date): Partial<CustomerDoc> {
  const change = person.consentChange;
  return change ? { marketingConsent: change.consent.to, consentUpdatedAt: change.consent.time ?? at } : {};
}

/** The ledger entries a new customer starts with: the one this file gives, if any. */
function ledgerIds(person: PlannedPerson): string[] {
  return person.consentChange ? [String(person.consentChange.entryId)] : [];
}

function newCustomer(target: ImportTarget, person: PlannedPerson, at: Date): CustomerDoc {
  const { row } = person;
  return {
    _id: person.id,
    identityKey: phoneIdentityKey(row.phone),
    waId: null,
    userId: null,
    phone: row.phone,
    name: row.name,
    marketingConsent: 'unknown',
    consentUpdatedAt: null,
    unreachable: false,
    tags: [...new Set([...person.tags, ...target.addTags])],
    listIds: target.listIds,
    attributes: row.attributes,
    country: row.country,
    email: row.email,
    source: 'import',
    createdAt: at,
    lastSeenAt: at,
    consentLedger: ledgerIds(person),
    ...consentFields(person, at),
  };
}

/** Only what the file says: an empty cell never erases what Parley knows. */
function updateOf(target: ImportTarget, person: PlannedPerson, at: Date): AnyBulkWriteOperation<CustomerDoc> {
  const { row } = person;
  const set: Record<string, unknown> = { ...consentFields(person, at) };
  if (row.name) set.name = row.name;
  if (row.email) set.email = row.email;
  if (row.country) set.country = row.country;
  for (const [key, value] of Object.entries(row.attributes)) set[`attributes.${key}`] = value;
  const tags = [...new Set([...person.tags, ...target.addTags])];
  const addToSet: Record<string, { $each: string[] }> = {};
  if (tags.length > 0) addToSet.tags = { $each: tags };
  if (target.listIds.length > 0) addToSet.listIds = { $each: target.listIds };
  const entries = ledgerIds(person);
  return updateById<CustomerDoc>(
    { _id: person.id },
    {
      ...(Object.keys(set).length > 0 ? { $set: set } : {}),
      ...(Object.keys(addToSet).length > 0 ? { $addToSet: addToSet } : {}),
      ...(entries.length > 0 ? { $push: { consentLedger: { $each: entries } } } : {}),
    },
  );
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

/**
 * Someone wrote in (or another import ran) between loading the phones and inserting: the `_id`
 * derived from the number, or the unique identity key of a customer stored before ids were
 * derived, refuses the second copy, and the row becomes an update of the person who won.
 */
async function insertOrFold(target: ImportTarget, persons: PlannedPerson[], at: Date): Promise<PlannedPerson[]> {
  if (persons.length === 0) return [];
  const docs = persons.map((p) => newCustomer(target, p, at));
  try {
    await target.customers.collection.insertMany(docs, { ordered: false });
    return [];
  } catch (error) {
    const lost = writeErrorIndexes(error).map((i) => persons[i]).filter((p): p is PlannedPerson => p !== undefined);
    const sameId = new Set((await findByIds(target.db, target.customers, lost.map((p) => String(p.id)), { _id: 1 })).map((w) => String(w._id)));
    const others = lost.filter((p) => !sameId.has(String(p.id)));
    const winners = others.length > 0 ? await target.customers.find({ identityKey: { $in: others.map((p) => phoneIdentityKey(p.row.phone)) } }, { _id: 1, identityKey: 1 }).lean() : [];
    const byKey = new Map(winners.map((w) => [w.identityKey, w._id]));
    return lost.flatMap((p) => {
      const id = sameId.has(String(p.id)) ? p.id : byKey.get(phoneIdentityKey(p.row.phone));
      return id ? [{ ...p, id }] : [];
    });
  }
}

/**
 * Batches written at once. The database takes one writer at a time, but it turns documents into
 * rows outside that lock, and this process serialises the next batch meanwhile: two in flight
 * keep both busy.
 */
const BATCHES_IN_FLIGHT = 2;

/**
 * Writes the plan batch by batch. Within a batch the ledger goes first: a crash then leaves
 * evidence of a consent the file did state, never a consent without its evidence. Writes are
 * keyed by the person (phone), so importing the same file again after a failure converges.
 * Batches overlap (`BATCHES_IN_FLIGHT`); progress is reported in file order, up to the last
 * batch whose predecessors are all written.
 */
export async function writePlan(target: ImportTarget, plan: ImportPlan, onBatch: (rowsDone: number, changes: ConsentChange[]) => void): Promise<void> {
  const at = new Date();
  const starts: number[] = [];
  for (let start = 0; start < plan.persons.length; start += PERSONS_PER_BATCH) starts.push(start);
  const written: (ConsentChange[] | undefined)[] = [];
  let reported = 0;
  const report = () => {
    for (let changes = written[reported]; changes !== undefined; changes = written[reported]) {
      const next = plan.persons[(reported + 1) * PERSONS_PER_BATCH];
      onBatch(next ? next.firstIndex : plan.outcomes.length, changes);
      written[reported] = undefined;
      reported += 1;
    }
  };
  // After a failure no batch starts, and the one still in flight finishes before the error is
  // thrown: the import ends with the progress of the batches written up to the failed one.
  let failure: { error: unknown } | null = null;
  await eachLimited(starts, BATCHES_IN_FLIGHT, async (start) => {
    if (failure) return;
    try {
      written[start / PERSONS_PER_BATCH] = await writeBatch(target, plan.persons.slice(start, start + PERSONS_PER_BATCH), at);
      report();
    } catch (error) {
      failure ??= { error };
    }
  });
  if (failure) throw (failure as { error: unknown }).error;
  if (plan.persons.length === 0) onBatch(plan.outcomes.length, []);
}

async function writeBatch(target: ImportTarget, batch: PlannedPerson[], at: Date): Promise<ConsentChange[]> {
  const entries = batch.flatMap((p) => {
    const entry = ledgerEntry(target, p, at);
    return entry ? [entry] : [];
  });
  if (entries.length > 0) await target.ledger.collection.insertMany(entries, { ordered: false });
  const folded = await insertOrFold(target, batch.filter((p) => !p.existing), at);
  const updates = [...batch.filter((p) => p.existing), ...folded].map((p) => updateOf(target, p, at));
  if (updates.length > 0) await target.customers.bulkWrite(updates, { ordered: false });
  return entries.map((e) => ({ customerId: e.customerId, from: e.from, to: e.to, source: e.source, at }));
}

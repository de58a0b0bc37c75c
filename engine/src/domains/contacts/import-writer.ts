import { Types, type UpdateQuery } from 'mongoose';
import { importEntryRef, phoneIdentityKey, type ConsentChange, type ConsentImportPageDoc, type CustomerDoc } from '../customers/index.js';
import type { PlannedPerson } from './import-plan.js';
import type { ImportPeopleWrites } from './import-people.repository.js';

export interface ImportTarget {
  importId: string;
  fileName: string;
  /** The tenant's people and consent ledger. */
  people: ImportPeopleWrites;
  /** Every person of the file joins these lists and gets these tags. */
  listIds: string[];
  addTags: string[];
}

/**
 * People written per batch. On FerretDB each batch is one SQLite transaction: fewer, larger ones
 * spend less on commits (100,000 rows: 10.0 s at 1,000, 9.6 s at 2,000, 9.2–9.4 s at 4,000,
 * 8.5–9.0 s at 8,000), but the tenant's other writes wait while one is written (about 0.3 s at
 * 4,000), so conversations stay responsive during an import. MongoDB has no such lock.
 */
export const PERSONS_PER_BATCH = 4000;

/** People planned from the file up to row `rowsDone` (exclusive), to write together. */
export interface PlannedBatch {
  persons: PlannedPerson[];
  rowsDone: number;
}

/**
 * The batch's consent changes as one ledger page, and the reference each person's customer
 * lists for theirs. The cells go as one string rather than a list of objects: the database's cost
 * per write grows with every stored value.
 */
function ledgerPage(target: ImportTarget, persons: PlannedPerson[], at: Date): { page: ConsentImportPageDoc | null; refs: Map<PlannedPerson, string> } {
  const changed = persons.filter((p) => p.consentChange);
  const refs = new Map<PlannedPerson, string>();
  if (changed.length === 0) return { page: null, refs };
  const page: ConsentImportPageDoc = { _id: new Types.ObjectId(), importId: target.importId, fileName: target.fileName, at, customerIds: [], from: [], to: [], rows: [], columns: [], consentSources: [], consentedAt: [] };
  for (const person of changed) {
    const change = person.consentChange;
    if (!change) continue;
    refs.set(person, importEntryRef(page._id, page.customerIds.length));
    page.customerIds.push(String(person.id));
    page.from.push(change.from);
    page.to.push(change.consent.to);
    page.rows.push(change.consent.line);
    page.columns.push(change.consent.values.map((v) => `${v.column}: ${v.value}`).join(' | '));
    page.consentSources.push(change.consent.source);
    page.consentedAt.push(change.consent.time ? change.consent.time.toISOString() : null);
  }
  return { page, refs };
}

function consentFields(person: PlannedPerson, at: Date): Partial<CustomerDoc> {
  const change = person.consentChange;
  return change ? { marketingConsent: change.consent.to, consentUpdatedAt: change.consent.time ?? at } : {};
}

function newCustomer(target: ImportTarget, person: PlannedPerson, at: Date, ledgerRef: string | undefined): CustomerDoc {
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
    consentLedger: ledgerRef ? [ledgerRef] : [],
    ...consentFields(person, at),
  };
}

/** Only what the file says: an empty cell never erases what Parley knows. */
function updateOf(target: ImportTarget, person: PlannedPerson, at: Date, ledgerRef: string | undefined): { _id: Types.ObjectId; update: UpdateQuery<CustomerDoc> } {
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
  return {
    _id: person.id,
    update: {
      ...(Object.keys(set).length > 0 ? { $set: set } : {}),
      ...(Object.keys(addToSet).length > 0 ? { $addToSet: addToSet } : {}),
      ...(ledgerRef ? { $push: { consentLedger: ledgerRef } } : {}),
    },
  };
}

/**
 * Someone wrote in (or another import ran) between loading the phones and inserting: the `_id`
 * derived from the number, or the unique identity key of a customer stored before ids were
 * derived, refuses the second copy, and the row becomes an update of the person who won.
 */
async function insertOrFold(target: ImportTarget, persons: PlannedPerson[], at: Date, refs: Map<PlannedPerson, string>): Promise<PlannedPerson[]> {
  if (persons.length === 0) return [];
  const holders = await target.people.insertNew(persons.map((p) => newCustomer(target, p, at, refs.get(p))));
  return [...holders].flatMap(([i, id]) => {
    const p = persons[i];
    if (!p) return [];
    // Later rows of this person (see `ImportPlanner.lateFolds`) are written to the same record.
    p.id = id;
    return [p];
  });
}

/**
 * Batches written at once. The database takes one writer at a time, but it turns documents into
 * rows outside that lock, and this process plans the next batch meanwhile: two in flight keep
 * both busy.
 */
const BATCHES_IN_FLIGHT = 2;

/**
 * Writes the batches as they are planned, then the people later rows folded into (`lateFolds`,
 * once every batch is written). Within a batch the ledger goes first: a crash then leaves
 * evidence of a consent the file did state, never a consent without its evidence. Writes are
 * keyed by the person (phone), so importing the same file again after a failure converges.
 * Progress is reported in file order, up to the last batch whose predecessors are all written.
 * After a failure no batch starts, and those in flight finish before the error is thrown.
 */
export async function writePlan(target: ImportTarget, batches: AsyncIterable<PlannedBatch>, lateFolds: () => PlannedPerson[], onBatch: (rowsDone: number, changes: ConsentChange[]) => void): Promise<void> {
  const at = new Date();
  const written = new Map<number, { rowsDone: number; changes: ConsentChange[] }>();
  let started = 0;
  let reported = 0;
  let rowsDone = 0;
  const report = () => {
    for (let done = written.get(reported); done !== undefined; done = written.get(reported)) {
      written.delete(reported);
      reported += 1;
      rowsDone = done.rowsDone;
      onBatch(done.rowsDone, done.changes);
    }
  };
  let failure: { error: unknown } | null = null;
  const running = new Set<Promise<void>>();
  try {
    for await (const batch of batches) {
      while (running.size >= BATCHES_IN_FLIGHT && !failure) await Promise.race(running);
      if (failure) break;
      const n = started++;
      const write: Promise<void> = writeBatch(target, batch.persons, at)
        .then((changes) => {
          written.set(n, { rowsDone: batch.rowsDone, changes });
          report();
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(write));
      running.add(write);
    }
  } finally {
    await Promise.all(running);
  }
  if (failure) throw (failure as { error: unknown }).error;
  const late = lateFolds();
  const lateAt = new Date();
  for (let start = 0; start < late.length; start += PERSONS_PER_BATCH) {
    onBatch(rowsDone, await writeBatch(target, late.slice(start, start + PERSONS_PER_BATCH), lateAt));
  }
}

async function writeBatch(target: ImportTarget, batch: PlannedPerson[], at: Date): Promise<ConsentChange[]> {
  const { page, refs } = ledgerPage(target, batch, at);
  if (page) await target.people.insertLedgerPage(page);
  const folded = await insertOrFold(target, batch.filter((p) => !p.existing), at, refs);
  const updates = [...batch.filter((p) => p.existing), ...folded].map((p) => updateOf(target, p, at, refs.get(p)));
  await target.people.update(updates);
  return batch.flatMap((p) => (p.consentChange ? [{ customerId: String(p.id), from: p.consentChange.from, to: p.consentChange.consent.to, source: 'import' as const, at }] : []));
}

import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import { isDuplicateKeyError } from '../errors/app-error.js';
import { KeyedMutex } from '../jobs/keyed-mutex.js';
import type { Database } from './database.js';

/**
 * Conditions on the fields of one document: a value (equal; `null` also matches a missing field)
 * or comparisons (`$lt`, `$lte`, `$gt`, `$gte`, `$ne`, `$in`), on fields that hold one value (an
 * array is not searched for a matching element, as MongoDB would).
 */
export type Guard = Record<string, unknown>;

/**
 * The filter of a write to the document of `id` whose guard the caller has just checked on a
 * fresh read. On MongoDB the guard stays in the filter and is checked atomically with the write.
 * FerretDB 1.x reads the whole collection for any filter but a bare `_id`, and checks filters
 * outside the write anyway: there the write names its `_id` alone.
 */
export function checkedFilter<T>(db: Database, id: unknown, guard: QueryFilter<T>): QueryFilter<T> {
  return (db.guardsOnServer ? { _id: id, ...guard } : { _id: id }) as QueryFilter<T>;
}

/** Check-then-write of one document, one at a time in this process (FerretDB only). */
const checking = new KeyedMutex();

/**
 * Updates the document of `id` if it satisfies the guard, and says whether it did. On MongoDB the
 * guard is checked atomically with the write. On FerretDB (see `checkedFilter`) the document is
 * read by `_id`, checked here, and written by `_id` right after, which spares it reading the whole
 * collection. Inside a process the guarded updates of one document take turns, so two of them
 * (say revisions 7 and 8 of a read model) can never both pass their check before either writes;
 * between processes the window is as short as FerretDB's own conditional update. With `upsert` a
 * missing document is created; losing that race to another creation counts as not updated.
 */
export async function updateGuarded<T>(db: Database, model: Model<T>, id: unknown, guard: Guard, update: UpdateQuery<T>, options: { upsert?: boolean } = {}): Promise<boolean> {
  if (db.guardsOnServer) {
    try {
      const result = await model.updateOne({ _id: id, ...guard } as never, update, options);
      return result.matchedCount > 0 || result.upsertedCount > 0;
    } catch (error) {
      // An upsert collided with a document that exists but fails the guard.
      if (options.upsert && isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
  return checking.run(turnKey(model, id), () => checkThenWrite(model, id, guard, update, options));
}

/**
 * Runs `work`, a read of the document of `id` followed by a write guarded by what it read
 * (`checkedFilter`), in one turn with every `updateGuarded` of that document in this process, so
 * neither checks a state the other is about to change. On MongoDB the guards are in the writes'
 * filters and `work` runs at once. `work` must not itself call `updateGuarded` on that document.
 */
export function inTurn<T, R>(db: Database, model: Model<T>, id: unknown, work: () => Promise<R>): Promise<R> {
  return db.guardsOnServer ? work() : checking.run(turnKey(model, id), work);
}

function turnKey(model: Pick<Model<unknown>, 'db' | 'collection'>, id: unknown): string {
  return `${model.db.name}/${model.collection.collectionName}/${String(id)}`;
}

async function checkThenWrite<T>(model: Model<T>, id: unknown, guard: Guard, update: UpdateQuery<T>, options: { upsert?: boolean }, created = false): Promise<boolean> {
  const current = await model.findById(id, Object.fromEntries(Object.keys(guard).map((field) => [field, 1]))).lean<Record<string, unknown>>();
  if (current) {
    if (!satisfies(current, guard)) return false;
    await model.updateOne({ _id: id } as never, update);
    return true;
  }
  if (!options.upsert || created) return false;
  try {
    // Created by a unique insert, so a document another process created meanwhile is not
    // overwritten unchecked: the insert fails and its guard is checked like any other.
    await model.create(creationOf(id, update) as never);
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return checkThenWrite(model, id, guard, update, options, true);
  }
}

/** The document an upsert of `update` creates: its `$set` fields (the only operator upserts here use). */
function creationOf(id: unknown, update: UpdateQuery<unknown>): Record<string, unknown> {
  const operators = Object.keys(update);
  if (operators.some((op) => op !== '$set')) throw new Error(`a guarded upsert takes $set only, not ${operators.join(', ')}`);
  return { ...(update.$set as Record<string, unknown>), _id: id };
}

/** Whether the document satisfies the guard, as MongoDB would decide it for these operators. */
export function satisfies(doc: Record<string, unknown>, guard: Guard): boolean {
  return Object.entries(guard).every(([field, condition]) => {
    const value = field.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), doc);
    if (!isOperatorObject(condition)) return same(value, condition);
    return Object.entries(condition).every(([op, operand]) => {
      switch (op) {
        case '$lt':
          return compare(value, operand) < 0;
        case '$lte':
          return compare(value, operand) <= 0;
        case '$gt':
          return compare(value, operand) > 0;
        case '$gte':
          return compare(value, operand) >= 0;
        case '$ne':
          return !same(value, operand);
        case '$in':
          return Array.isArray(operand) && operand.some((candidate) => same(value, candidate));
        default:
          throw new Error(`guard operator ${op} is not supported`);
      }
    });
  });
}

function isOperatorObject(condition: unknown): condition is Record<string, unknown> {
  return condition !== null && typeof condition === 'object' && !Array.isArray(condition) && !(condition instanceof Date) && Object.keys(condition).some((key) => key.startsWith('$'));
}

function same(a: unknown, b: unknown): boolean {
  if (b === null || b === undefined) return a === null || a === undefined;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'object' && a !== null && typeof b === 'object') return String(a) === String(b);
  return a === b;
}

/** Comparisons between values of one type; anything else never satisfies them (NaN). */
function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number.NaN;
}

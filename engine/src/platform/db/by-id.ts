import type { Model, ProjectionType } from 'mongoose';
import type { Database } from './database.js';

/** Lookups at once on FerretDB: its SQLite backend takes one writer at a time anyway. */
const FERRETDB_CONCURRENCY = 8;

/** Runs `work` for each item, `concurrency` at a time, in no particular order. */
export async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * The documents of these `_id`s (those that exist), as lean objects. MongoDB answers `$in` from
 * its `_id` index. FerretDB 1.x filters anything but a bare `_id` outside its storage, reading the
 * whole collection: there each document is looked up by its own `_id`.
 */
export async function findByIds<T>(db: Database, model: Model<T>, ids: readonly string[], projection?: ProjectionType<T>): Promise<T[]> {
  if (ids.length === 0) return [];
  if (db.guardsOnServer) return model.find({ _id: { $in: ids } }, projection).lean<T[]>();
  const found: T[] = [];
  await eachLimited([...new Set(ids)], FERRETDB_CONCURRENCY, async (id) => {
    const doc = await model.findById(id, projection).lean<T>();
    if (doc) found.push(doc);
  });
  return found;
}

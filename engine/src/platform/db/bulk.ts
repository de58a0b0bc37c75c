import type { AnyBulkWriteOperation, mongo } from 'mongoose';

type IdFilter<T extends mongo.Document> = Extract<AnyBulkWriteOperation<T>, { updateMany: unknown }>['updateMany']['filter'] & { _id: unknown };
type Update<T extends mongo.Document> = Extract<AnyBulkWriteOperation<T>, { updateMany: unknown }>['updateMany']['update'];

/**
 * One statement of a bulk write that updates the single document named by `_id`, written as
 * `updateMany`. FerretDB 1.x keeps the cursor of every single-document statement of an `update`
 * command open until the whole command ends, and each database has 100 SQLite connections: a bulk
 * of about a hundred matching `updateOne` statements waits forever for a connection and stalls the
 * server. A multi-document statement reads its cursor to the end, which closes it; the `_id` keeps
 * it to one document, so the result is the same on MongoDB.
 */
export function updateById<T extends mongo.Document>(filter: IdFilter<T>, update: Update<T>): AnyBulkWriteOperation<T> {
  return { updateMany: { filter, update } };
}

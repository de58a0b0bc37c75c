import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

/**
 * An ObjectId derived from what identifies a record (its kind, tenant and natural key). Finding
 * the record by that key is then a read by `_id`, which FerretDB answers without scanning the
 * collection (it filters on any other field by reading every document), and two processes
 * creating the same record collide on the `_id` itself.
 */
export function keyedObjectId(...parts: string[]): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(parts.join('\n')).digest().subarray(0, 12));
}

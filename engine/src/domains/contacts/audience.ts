import { Types, type QueryFilter, type Model } from 'mongoose';
import type { AudienceMember, AudienceSelection } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';
import type { ContactListDoc } from './lists.model.js';
import type { SegmentDoc } from './segments.model.js';
import { segmentToQuery } from './segment-query.js';

export interface AudienceModels {
  customers: Model<CustomerDoc>;
  lists: Model<ContactListDoc>;
  segments: Model<SegmentDoc>;
}

const BATCH = 500;
const MEMBER_FIELDS = { phone: 1, waId: 1, name: 1, marketingConsent: 1, unreachable: 1, country: 1, attributes: 1, tags: 1 } as const;

/**
 * Lists ∪ everyone who consented, narrowed by the segment, as one query on the customers
 * collection. A person is one document whatever lists they are on, so the union has no
 * duplicates by construction. Members without a phone (username-only users) cannot be reached by
 * a template and are left out. Revoked members of a list stay in: campaigns record them as
 * skipped with the reason, and check consent again at dispatch.
 */
export async function audienceQuery(models: AudienceModels, selection: AudienceSelection): Promise<QueryFilter<CustomerDoc>> {
  const listIds = [...new Set(selection.listIds)];
  if (listIds.length > 0) {
    const found = await models.lists.countDocuments({ _id: { $in: listIds.map((id) => new Types.ObjectId(id)) } });
    if (found !== listIds.length) throw AppError.notFound('Contact list');
  }
  const reach: QueryFilter<CustomerDoc>[] = [];
  if (listIds.length > 0) reach.push({ listIds: { $in: listIds } });
  if (selection.allConsenting) reach.push({ marketingConsent: 'granted' });
  if (reach.length === 0) throw AppError.validation([{ field: 'audience.listIds', message: 'choose at least one list, or everyone who consented' }]);
  const parts: QueryFilter<CustomerDoc>[] = [{ phone: { $ne: null } }, reach.length === 1 ? (reach[0] ?? {}) : { $or: reach }];
  if (selection.segmentId) {
    const segment = Types.ObjectId.isValid(selection.segmentId) ? await models.segments.findById(selection.segmentId).lean() : null;
    if (!segment) throw AppError.notFound('Segment');
    parts.push(segmentToQuery(segment.filter));
  }
  return { $and: parts };
}

/**
 * How many match, and how many of those granted marketing consent: one pass over the matches,
 * counted by consent state (FerretDB reads the whole collection for each query, so two counts
 * would read it twice).
 */
export async function countWithConsent(customers: Model<CustomerDoc>, query: QueryFilter<CustomerDoc>): Promise<{ total: number; consenting: number }> {
  const byState = await customers.aggregate<{ _id: string | null; n: number }>([{ $match: query }, { $group: { _id: '$marketingConsent', n: { $sum: 1 } } }]);
  return { total: byState.reduce((sum, state) => sum + state.n, 0), consenting: byState.find((state) => state._id === 'granted')?.n ?? 0 };
}

/**
 * One cursor, read in batches of BATCH. Pages by `_id > last` would each be a read of the whole
 * collection on FerretDB, which filters outside its storage: a quadratic cost for a large audience.
 */
export async function* streamCustomers(customers: Model<CustomerDoc>, query: QueryFilter<CustomerDoc>, order: 'by-id' | 'stored' = 'by-id'): AsyncGenerator<AudienceMember> {
  const found = customers.find(query, MEMBER_FIELDS);
  const cursor = (order === 'by-id' ? found.sort({ _id: 1 }) : found).lean<Pick<CustomerDoc, '_id' | keyof typeof MEMBER_FIELDS>[]>().cursor({ batchSize: BATCH });
  try {
    for await (const doc of cursor) {
      if (doc.phone) yield toAudienceMember(doc);
    }
  } finally {
    await cursor.close();
  }
}

function toAudienceMember(doc: Pick<CustomerDoc, '_id' | keyof typeof MEMBER_FIELDS>): AudienceMember {
  return {
    customerId: String(doc._id),
    phone: doc.phone ?? '',
    waId: doc.waId,
    name: doc.name,
    marketingConsent: doc.marketingConsent,
    unreachable: doc.unreachable,
    country: doc.country ?? null,
    attributes: doc.attributes ?? {},
    tags: doc.tags ?? [],
  };
}

import type { QueryFilter } from 'mongoose';
import type { AudienceSelection } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';
import type { ListsRepository } from './lists.repository.js';
import type { SegmentsRepository } from './segments.repository.js';
import { segmentToQuery } from './segment-query.js';

/** Where an audience's lists and segment are looked up. */
export interface AudienceSources {
  lists: Pick<ListsRepository, 'countExisting'>;
  segments: Pick<SegmentsRepository, 'find'>;
}

/**
 * Lists ∪ everyone who consented, narrowed by the segment, as one query on the customers
 * collection. A person is one document whatever lists they are on, so the union has no
 * duplicates by construction. Members without a phone (username-only users) cannot be reached by
 * a template and are left out. Revoked members of a list stay in: campaigns record them as
 * skipped with the reason, and check consent again at dispatch.
 */
export async function audienceQuery(sources: AudienceSources, tenantId: string, selection: AudienceSelection): Promise<QueryFilter<CustomerDoc>> {
  const listIds = [...new Set(selection.listIds)];
  if (listIds.length > 0) {
    const found = await sources.lists.countExisting(tenantId, listIds);
    if (found !== listIds.length) throw AppError.notFound('Contact list');
  }
  const reach: QueryFilter<CustomerDoc>[] = [];
  if (listIds.length > 0) reach.push({ listIds: { $in: listIds } });
  if (selection.allConsenting) reach.push({ marketingConsent: 'granted' });
  if (reach.length === 0) throw AppError.validation([{ field: 'audience.listIds', message: 'choose at least one list, or everyone who consented' }]);
  const parts: QueryFilter<CustomerDoc>[] = [{ phone: { $ne: null } }, reach.length === 1 ? (reach[0] ?? {}) : { $or: reach }];
  if (selection.segmentId) {
    const segment = await sources.segments.find(tenantId, selection.segmentId);
    if (!segment) throw AppError.notFound('Segment');
    parts.push(segmentToQuery(segment.filter));
  }
  return { $and: parts };
}

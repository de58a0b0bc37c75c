import type { QueryFilter } from 'mongoose';
import type { SegmentCondition, SegmentFilter } from '@parley/common';
import type { CustomerDoc } from '../customers/index.js';

/** Escapes text for a `$regex` that means "contains", whatever the user typed. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One condition as a plain query. Only operators FerretDB 1.24 runs (equality, `$ne`, `$nin`,
 * `$exists`, `$regex`, `$and`/`$or`): no `$expr`, so the same query runs on MongoDB unchanged.
 * Attribute keys are validated by `attributeKeySchema`, so the dotted path cannot be forged.
 */
function conditionToQuery(condition: SegmentCondition): QueryFilter<CustomerDoc> {
  switch (condition.field) {
    case 'tag':
      return condition.op === 'has' ? { tags: condition.value } : { tags: { $nin: [condition.value] } };
    case 'consent':
      return condition.op === 'is' ? { marketingConsent: condition.value } : { marketingConsent: { $ne: condition.value } };
    case 'country':
      return condition.op === 'is' ? { country: condition.value } : { country: { $ne: condition.value } };
    case 'attribute': {
      const path = `attributes.${condition.key}`;
      switch (condition.op) {
        case 'equals':
          return { [path]: condition.value };
        case 'not_equals':
          return { [path]: { $ne: condition.value } };
        case 'contains':
          return { [path]: { $regex: literal(condition.value), $options: 'i' } };
        case 'exists':
          return { [path]: { $exists: true } };
        case 'not_exists':
          return { [path]: { $exists: false } };
      }
    }
  }
}

/** A saved segment's filter as a customers query: `all` ANDs the conditions, `any` ORs them. */
export function segmentToQuery(filter: SegmentFilter): QueryFilter<CustomerDoc> {
  const parts = filter.conditions.map(conditionToQuery);
  return filter.match === 'all' ? { $and: parts } : { $or: parts };
}

import { expect } from 'chai';
import fc from 'fast-check';
import { segmentFilterSchema } from '@parley/common';
import { segmentToQuery } from './segment-query.js';

const OPERATORS = new Set(['$and', '$or', '$ne', '$nin', '$exists', '$regex', '$options']);

/** Conditions near enough to valid ones to reach the query builder, with hostile values. */
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('(a+)+$', '.*', '$where', '\\', '[', 'a.b', '__proto__', 'x'.repeat(201), ''));
const condition = fc.record(
  {
    field: fc.constantFrom('tag', 'consent', 'country', 'attribute', 'phone', '$where'),
    op: fc.constantFrom('has', 'has_not', 'is', 'is_not', 'equals', 'not_equals', 'contains', 'exists', 'not_exists', '$regex'),
    value: fc.oneof(text, fc.constantFrom('granted', 'revoked', 'unknown', 'BR'), fc.jsonValue({ maxDepth: 2 })),
    key: fc.oneof(text, fc.constantFrom('plan', 'a.b', '$gt', 'city_2')),
  },
  { requiredKeys: ['field', 'op'] },
);
const filter = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ match: fc.oneof(fc.constantFrom('all', 'any'), text), conditions: fc.array(condition, { maxLength: 25 }) }, { requiredKeys: ['conditions'] }),
);

/** Every key of a query: only the operators the builder uses, and attribute paths of validated keys. */
function keysOf(value: unknown, keys: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) keysOf(item, keys);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      keys.push(key);
      keysOf(inner, keys);
    }
  }
  return keys;
}

describe(segmentToQuery.name, () => {
  it('takes only filters the schema accepts, and any JSON is either accepted or refused with the path at fault', () => {
    fc.assert(
      fc.property(filter, (input) => {
        const parsed = segmentFilterSchema.safeParse(input);
        if (!parsed.success) {
          expect(parsed.error.issues.length).to.be.above(0);
          return;
        }
        expect(parsed.data.conditions.length).to.be.within(1, 20);
        const query = segmentToQuery(parsed.data);
        for (const key of keysOf(query)) {
          expect(OPERATORS.has(key) || /^(tags|marketingConsent|country|attributes\.[a-z][a-z0-9_]{0,39})$/.test(key), key).to.equal(true);
        }
        expect(JSON.stringify(query).length).to.be.below(20 * 1_000);
      }),
      { numRuns: 3_000 },
    );
  });

  it('makes "contains" a literal of at most 400 characters: the value matches itself, and no pattern can backtrack', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('plan', 'city'), (value, key) => {
        const parsed = segmentFilterSchema.parse({ conditions: [{ field: 'attribute', key, op: 'contains', value }] });
        const query = segmentToQuery(parsed) as { $and: Record<string, { $regex: string }>[] };
        const pattern = query.$and[0]?.[`attributes.${key}`]?.$regex ?? '';
        expect(pattern.length).to.be.at.most(400);
        expect(new RegExp(pattern, 'iu').test(`before ${parsed.conditions[0]?.field === 'attribute' ? parsed.conditions[0].value : ''} after`)).to.equal(true);
        // Escaped, the pattern has no quantifier, group, class or alternation left to backtrack on.
        expect(pattern.replace(/\\[.*+?^${}()|[\]\\]/g, '')).not.to.match(/[.*+?^${}()|[\]\\]/);
      }),
      { numRuns: 1_000 },
    );
  });
});

import fc from 'fast-check';
import type { z } from 'zod';
import type { RegisteredRoute } from '../../src/platform/http/route.js';

/** One request built to hurt: its path with parameters filled, its query string and its body. */
export interface HostileRequest {
  path: string;
  query: string;
  /** A JSON value to send, or a string sent as it is (malformed or deep JSON). */
  body: unknown;
}

/** Strings an attacker tries first, beside random ones of every Unicode plane. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  '__proto__',
  'constructor',
  '$where',
  '{"$gt":""}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x.test","y")',
  '9'.repeat(400),
  'a'.repeat(20_000),
  '(a+)+$'.repeat(50),
  '2026-02-30T25:61:00Z',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '\u202e\u0301\ud83d\ude00',
  '\ud800',
];

export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...NASTY),
);

/** Any JSON-shaped value, with operator objects and numbers JSON cannot keep exact. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant({ $gt: '' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The keys of an object schema, however it is wrapped (refined, piped, optional). */
export function schemaKeys(schema: z.ZodType | undefined): string[] {
  let current: unknown = schema;
  for (let depth = 0; depth < 5 && current; depth++) {
    const def = (current as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; in?: unknown; innerType?: unknown } } })._zod?.def;
    if (!def) return [];
    if (def.type === 'object' && def.shape) return Object.keys(def.shape);
    current = def.in ?? def.innerType;
  }
  return [];
}

/** A body for the route: its own fields with hostile values, a mutated sample, or raw junk. */
function hostileBody(route: RegisteredRoute): fc.Arbitrary<unknown> {
  const keys = schemaKeys(route.schemas.body);
  const sample = route.sample?.body;
  const fields = keys.length > 0 ? fc.record(Object.fromEntries(keys.map((key) => [key, hostileValue])), { requiredKeys: [] }) : fc.dictionary(hostileString, hostileValue, { maxKeys: 4 });
  const mutatedSample =
    sample && typeof sample === 'object' && !Array.isArray(sample)
      ? fc.tuple(fc.constantFrom(...Object.keys(sample), 'unexpected'), hostileValue).map(([key, value]) => ({ ...sample, [key]: value }))
      : fields;
  const deep = fc.integer({ min: 100, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
  const deepObject = fc.integer({ min: 100, max: 3_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  const malformed = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{"a": ', '[1,2', '{"__proto__": {"admin": true}}', 'null', '"text"', '1e999'));
  return fc.oneof({ weight: 4, arbitrary: fields }, { weight: 3, arbitrary: mutatedSample }, hostileValue, deep, deepObject, malformed);
}

/** A query string: the route's own keys and strangers, repeated keys, bracket keys. */
function hostileQuery(route: RegisteredRoute): fc.Arbitrary<string> {
  const keys = [...schemaKeys(route.schemas.query), 'limit', 'cursor', 'q', 'a[b]', '__proto__'];
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), hostileString), hostileString);
  return fc.array(pair, { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs.filter(([key]) => key.length > 0)).toString());
}

/** A value for a path parameter: a well-formed id of nothing, or anything at all. */
const hostileParam = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{24}$/),
  fc.stringMatching(/^[0-9]{5,20}$/),
  hostileString.filter((value) => value.length > 0),
  fc.constant('x'.repeat(3_000)),
  // Sent as it is: a percent sign that starts no valid escape.
  fc.constantFrom('%E0%A4%A', '%ZZ', '%00', '%2e%2e%2f'),
);

/** Percent-encodes every byte of the UTF-8, lone surrogates included; raw escapes pass as they are. */
function encodeParam(value: string): string {
  if (value.startsWith('%')) return value;
  return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

export function hostileRequest(route: RegisteredRoute): fc.Arbitrary<HostileRequest> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
  const params = fc.tuple(...names.map(() => hostileParam));
  return fc.record({ params, query: hostileQuery(route), body: hostileBody(route) }).map(({ params: values, query, body }) => {
    let path = route.path;
    names.forEach((name, index) => {
      path = path.replace(`:${name}`, encodeParam(String(values[index] ?? '')));
    });
    return { path, query, body };
  });
}

import { expect } from 'chai';
import fc from 'fast-check';
import { normalizePhone, toE164 } from './phone.js';

/** ITU-T E.164: a country code and at most 15 digits in all (Austria and Germany have valid numbers of 6). */
const E164 = /^\+[1-9]\d{1,14}$/;
const COUNTRIES = ['BR', 'US', 'GB', 'DE', 'IN', 'PT', 'MX', 'ZZ', 'xx', ''];

/** Text shaped like phone numbers people type (digits, spaces, dashes, brackets, + or 00), beside any text at all. */
const phoneLike = fc
  .tuple(fc.constantFrom('', '+', '00', '(', '+55 ', '+1 ', '0'), fc.array(fc.constantFrom(...'0123456789 -().//'), { minLength: 1, maxLength: 24 }))
  .map(([prefix, chars]) => prefix + chars.join(''));
const anyText = fc.oneof(phoneLike, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('9'.repeat(5_000), '+'.repeat(300), '(1'.repeat(2_000)));

describe(normalizePhone.name, () => {
  it('never throws, and gives E.164 or a reason, for any text in any default country', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...COUNTRIES), (raw, country) => {
        const result = normalizePhone(raw, country);
        if ('problem' in result) expect(['empty', 'not_a_number', 'invalid']).to.include(result.problem);
        else expect(result.phone).to.match(E164);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is idempotent: a normalised number normalises to itself, whatever the default country', () => {
    fc.assert(
      fc.property(phoneLike, fc.constantFrom(...COUNTRIES), fc.constantFrom(...COUNTRIES), (raw, country, again) => {
        const first = normalizePhone(raw, country);
        if ('problem' in first) return;
        expect(normalizePhone(first.phone, again)).to.deep.equal(first);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decides a 5,000-character string in well under a millisecond a call', () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) normalizePhone(`+${'1'.repeat(5_000)}`, 'BR');
    expect(Number(process.hrtime.bigint() - started) / 1e6 / 100).to.be.below(1);
  });
});

describe(toE164.name, () => {
  it('never throws, gives E.164 or null, and is idempotent on its own digits', () => {
    fc.assert(
      fc.property(anyText, (waId) => {
        const phone = toE164(waId);
        if (phone === null) return;
        expect(phone).to.match(E164);
        expect(toE164(phone.slice(1))).to.equal(phone);
      }),
      { numRuns: 2_000 },
    );
  });
});

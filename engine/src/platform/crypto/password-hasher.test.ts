import { expect } from 'chai';
import { AppError } from '../errors/app-error.js';
import { PasswordHasher } from './password-hasher.js';
import { TEST_COST } from './passwords.js';

function outcome(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'done',
    (error: unknown) => (error instanceof AppError ? error.code : 'crashed'),
  );
}

describe(PasswordHasher.name, () => {
  it('runs a bounded number of hashes, keeps a bounded line, and turns the rest away with 503 UNAVAILABLE', async () => {
    const hasher = new PasswordHasher(TEST_COST, { concurrent: 2, waiting: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => outcome(hasher.hash(`password-${i}`))));
    expect(results).to.deep.equal(['done', 'done', 'done', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
  });

  it('frees its slots: after a burst it hashes again', async () => {
    const hasher = new PasswordHasher(TEST_COST, { concurrent: 1, waiting: 0 });
    await Promise.all([outcome(hasher.hash('a-password-1')), outcome(hasher.hash('a-password-2'))]);
    const stored = await hasher.hash('a-password-3');
    expect(await hasher.verify('a-password-3', stored)).to.equal(true);
    expect(await hasher.verify('another-one', stored)).to.equal(false);
  });

  it('checks a decoy for an unknown account and never lets it in', async () => {
    const hasher = new PasswordHasher(TEST_COST, { concurrent: 1, waiting: 4 });
    expect(await hasher.verify('any-password', null)).to.equal(false);
  });
});

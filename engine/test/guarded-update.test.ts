import { expect } from 'chai';
import { Schema } from 'mongoose';
import { satisfies, updateGuarded } from '../src/platform/db/guarded.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { onboardTenant, type TenantFixture } from './support/fixtures.js';

interface Counter {
  _id: string;
  rev: number;
  state: string | null;
  at?: Date;
}

describe('Guarded updates', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let counters: ReturnType<typeof modelOf>;
  const modelOf = (engine: TestEngine['engine'], tenantId: string) =>
    engine.db.defineTenantModel('GuardedCounter', new Schema<Counter>({ _id: String, rev: Number, state: { type: String, default: null }, at: Date }, { collection: 'guarded_counters', versionKey: false }))(tenantId);

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'guarded');
    counters = modelOf(t.engine, tenant.id);
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('decides guards as MongoDB does for values, null and comparisons', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const doc = { rev: 3, state: 'queued', gone: null, at, nested: { n: 2 } };
    expect(satisfies(doc, { rev: 3, state: 'queued' })).to.equal(true);
    expect(satisfies(doc, { gone: null, missing: null })).to.equal(true);
    expect(satisfies(doc, { state: null })).to.equal(false);
    expect(satisfies(doc, { rev: { $lt: 4 } })).to.equal(true);
    expect(satisfies(doc, { rev: { $lt: 3 } })).to.equal(false);
    expect(satisfies(doc, { rev: { $lte: 3, $gt: 2 } })).to.equal(true);
    expect(satisfies(doc, { rev: { $gte: 4 } })).to.equal(false);
    expect(satisfies(doc, { state: { $in: ['sending', 'queued'] } })).to.equal(true);
    expect(satisfies(doc, { state: { $ne: 'queued' } })).to.equal(false);
    expect(satisfies(doc, { at: { $lt: new Date('2026-02-01T00:00:00Z') } })).to.equal(true);
    expect(satisfies(doc, { at: new Date(at) })).to.equal(true);
    expect(satisfies(doc, { 'nested.n': { $gt: 1 } })).to.equal(true);
    // Values of another type never compare, as in MongoDB's type brackets.
    expect(satisfies(doc, { gone: { $lt: 5 } })).to.equal(false);
    expect(() => satisfies(doc, { rev: { $regex: 'x' } })).to.throw(/not supported/);
  });

  it('writes only while the guard holds, and says whether it wrote', async () => {
    await counters.create({ _id: 'a', rev: 1, state: 'open' });
    expect(await updateGuarded(t.engine.db, counters, 'a', { rev: { $lt: 2 } }, { $set: { rev: 2 } })).to.equal(true);
    expect(await updateGuarded(t.engine.db, counters, 'a', { rev: { $lt: 2 } }, { $set: { rev: 9 } })).to.equal(false);
    expect(await updateGuarded(t.engine.db, counters, 'missing', { rev: { $lt: 2 } }, { $set: { rev: 1 } })).to.equal(false);
    expect((await counters.findById('a').lean())?.rev).to.equal(2);
    expect(await counters.countDocuments({ _id: 'missing' })).to.equal(0);
  });

  it('creates a missing document on upsert, and leaves a later revision alone', async () => {
    expect(await updateGuarded(t.engine.db, counters, 'b', { rev: { $lt: 5 } }, { $set: { rev: 5, state: 'five' } }, { upsert: true })).to.equal(true);
    expect(await updateGuarded(t.engine.db, counters, 'b', { rev: { $lt: 4 } }, { $set: { rev: 4, state: 'four' } }, { upsert: true })).to.equal(false);
    expect(await counters.findById('b').lean()).to.deep.include({ rev: 5, state: 'five' });
  });

  it('lets concurrent revisions of one document take turns, so the highest always stays', async () => {
    await counters.create({ _id: 'c', rev: 0, state: 'r0' });
    for (let round = 0; round < 5; round++) {
      const base = round * 10;
      // Revisions written at once in shuffled order, as two follow-up events project their states.
      const revs = [base + 3, base + 1, base + 4, base + 2];
      const written = await Promise.all(revs.map((rev) => updateGuarded(t.engine.db, counters, 'c', { rev: { $lte: rev } }, { $set: { rev, state: `r${rev}` } })));
      expect(written.some(Boolean)).to.equal(true);
      expect(await counters.findById('c').lean()).to.deep.include({ rev: base + 4, state: `r${base + 4}` });
    }
  });

  it('creates a document once when upserts race, keeping the highest revision', async () => {
    const written = await Promise.all([2, 5, 3].map((rev) => updateGuarded(t.engine.db, counters, 'd', { rev: { $lt: rev } }, { $set: { rev, state: `r${rev}` } }, { upsert: true })));
    expect(written.filter(Boolean).length).to.be.at.least(1);
    expect(await counters.findById('d').lean()).to.deep.include({ rev: 5, state: 'r5' });
  });
});

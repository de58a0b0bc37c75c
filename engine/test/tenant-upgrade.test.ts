import { expect } from 'chai';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { onboardTenant, type TenantFixture } from './support/fixtures.js';

describe('Tenant databases after an upgrade', () => {
  let t: TestEngine;
  let tenant: TenantFixture;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'upgrade');
    await t.engine.tenantsUpgraded;
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const names = async () => ((await t.engine.db.tenant(tenant.id).db?.listCollections({}, { nameOnly: true }).toArray()) ?? []).map((c) => c.name);

  it('creates the collections and indexes a tenant provisioned by an earlier version lacks, and only those', async () => {
    const tenantDb = t.engine.db.tenant(tenant.id);
    expect(await t.engine.db.upgradeTenant(tenant.id), 'a tenant provisioned by this version has everything').to.equal(0);
    // As an earlier version would have left it: a collection it did not know, an index it did not
    // have unique, and its own fingerprint.
    await tenantDb.dropCollection('consent_import_pages');
    await tenantDb.collection('customers').dropIndex('identityKey_1');
    await tenantDb.collection('customers').createIndex({ identityKey: 1 }, { name: 'identityKey_1' });
    await tenantDb.collection<{ _id: string; fingerprint: string }>('schema_marks').updateOne({ _id: 'schema' }, { $set: { fingerprint: 'earlier' } });
    expect(await names()).not.to.include('consent_import_pages');

    expect(await t.engine.db.upgradeTenant(tenant.id)).to.equal(2);
    expect(await names()).to.include('consent_import_pages');
    const identityIndex = (await tenantDb.collection('customers').listIndexes().toArray()).find((index) => index.name === 'identityKey_1');
    expect(identityIndex?.unique, 'the index is unique again').to.equal(true);
    const mark = await tenantDb.collection<{ _id: string; fingerprint: string }>('schema_marks').findOne({ _id: 'schema' });
    expect(mark?.fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(await t.engine.db.upgradeTenant(tenant.id), 'and nothing the second time').to.equal(0);
  });
});

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
  const indexesOf = async (collection: string) => (await t.engine.db.tenant(tenant.id).collection(collection).listIndexes().toArray()).map((index) => String(index.name));

  it('creates the collections and indexes a tenant provisioned by an earlier version lacks, and only those', async () => {
    expect(await t.engine.db.upgradeTenant(tenant.id), 'a tenant provisioned by this version has everything').to.equal(0);
    // As an earlier version would have left it: a collection and a unique index it did not know.
    await t.engine.db.tenant(tenant.id).dropCollection('consent_import_pages');
    await t.engine.db.tenant(tenant.id).collection('customers').dropIndex('identityKey_1');
    expect(await names()).not.to.include('consent_import_pages');
    expect(await indexesOf('customers')).not.to.include('identityKey_1');

    expect(await t.engine.db.upgradeTenant(tenant.id)).to.equal(2);
    expect(await names()).to.include('consent_import_pages');
    expect(await indexesOf('customers')).to.include('identityKey_1');
    expect(await t.engine.db.upgradeTenant(tenant.id), 'and nothing the second time').to.equal(0);
  });
});

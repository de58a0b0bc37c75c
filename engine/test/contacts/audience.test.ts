import { expect } from 'chai';
import { Types } from 'mongoose';
import type { AudienceMember, AudienceSelection, SegmentFilter } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { segmentToQuery, type ContactsService } from '../../src/domains/contacts/index.js';
import type { ConsentChange, CustomerDoc } from '../../src/domains/customers/index.js';
import { csvSafeCell, toSafeCsv } from '../../src/platform/csv/csv-safe.js';

type Seed = Partial<CustomerDoc> & { phone: string };

function customer(seed: Seed): Omit<CustomerDoc, '_id'> {
  const now = new Date();
  return {
    identityKey: `wa:${seed.phone.slice(1)}`,
    waId: null,
    userId: null,
    name: null,
    marketingConsent: 'unknown',
    consentUpdatedAt: null,
    unreachable: false,
    tags: [],
    listIds: [],
    attributes: {},
    country: 'BR',
    email: null,
    source: 'import',
    createdAt: now,
    lastSeenAt: now,
    ...seed,
  };
}

async function collect(stream: AsyncIterable<AudienceMember>): Promise<AudienceMember[]> {
  const members: AudienceMember[] = [];
  for await (const member of stream) members.push(member);
  return members;
}

describe('Contacts audience port', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;
  let contacts: ContactsService;
  let newsletter: string;
  let vip: string;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'aud-a');
    b = await onboardTenant(t, 'aud-b');
    contacts = t.engine.services.contacts;
    const lists = contacts.lists(a.id);
    const now = new Date();
    newsletter = String((await lists.create({ name: 'Newsletter', nameKey: 'newsletter', createdBy: 'test', createdAt: now, updatedAt: now }))._id);
    vip = String((await lists.create({ name: 'VIP', nameKey: 'vip', createdBy: 'test', createdAt: now, updatedAt: now }))._id);
    await contacts.customers(a.id).insertMany([
      customer({ phone: '+5511990000001', name: 'Ana', listIds: [newsletter, vip], marketingConsent: 'granted', tags: ['vip', 'fibre'], attributes: { plan: 'fibre 500', city: 'Recife' } }),
      customer({ phone: '+5511990000002', name: 'Bruno', listIds: [newsletter], marketingConsent: 'revoked', tags: ['fibre'], attributes: { plan: 'mobile' } }),
      customer({ phone: '+5511990000003', name: 'Carla', listIds: [], marketingConsent: 'granted', tags: [], attributes: { city: 'Recife' } }),
      customer({ phone: '+14155550103', name: 'Dan', listIds: [vip], marketingConsent: 'unknown', tags: ['vip'], country: 'US' }),
      customer({ phone: '+5511990000005', name: 'Eva', listIds: [], marketingConsent: 'unknown' }),
    ]);
    await contacts.customers(b.id).insertMany([customer({ phone: '+5511990000009', name: 'Other tenant', marketingConsent: 'granted' })]);
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const namesOf = async (filter: SegmentFilter) => (await contacts.customers(a.id).find(segmentToQuery(filter)).lean()).map((c) => c.name).sort();
  const audience = async (selection: Partial<AudienceSelection>) =>
    (await collect(contacts.streamAudience(a.id, { listIds: [], allConsenting: false, segmentId: null, ...selection }))).map((m) => m.name).sort();

  it('translates each segment condition into a query FerretDB runs', async () => {
    expect(await namesOf({ match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] })).to.deep.equal(['Ana', 'Dan']);
    expect(await namesOf({ match: 'all', conditions: [{ field: 'tag', op: 'has_not', value: 'vip' }] })).to.deep.equal(['Bruno', 'Carla', 'Eva']);
    expect(await namesOf({ match: 'all', conditions: [{ field: 'consent', op: 'is', value: 'granted' }] })).to.deep.equal(['Ana', 'Carla']);
    expect(await namesOf({ match: 'all', conditions: [{ field: 'consent', op: 'is_not', value: 'granted' }] })).to.deep.equal(['Bruno', 'Dan', 'Eva']);
    expect(await namesOf({ match: 'all', conditions: [{ field: 'country', op: 'is', value: 'US' }] })).to.deep.equal(['Dan']);
    expect(await namesOf({ match: 'all', conditions: [{ field: 'country', op: 'is_not', value: 'US' }] })).to.have.length(4);
  });

  it('matches attributes by equality, containment (case-insensitive, literal) and presence', async () => {
    const attr = (op: 'equals' | 'not_equals' | 'contains' | 'exists' | 'not_exists', key: string, value = '') => namesOf({ match: 'all', conditions: [{ field: 'attribute', key, op, value }] });
    expect(await attr('equals', 'plan', 'mobile')).to.deep.equal(['Bruno']);
    expect(await attr('not_equals', 'plan', 'mobile')).to.deep.equal(['Ana', 'Carla', 'Dan', 'Eva']);
    expect(await attr('contains', 'plan', 'FIBRE')).to.deep.equal(['Ana']);
    expect(await attr('contains', 'plan', 'fibre.*')).to.deep.equal([]);
    expect(await attr('exists', 'city')).to.deep.equal(['Ana', 'Carla']);
    expect(await attr('not_exists', 'city')).to.deep.equal(['Bruno', 'Dan', 'Eva']);
  });

  it('counts every kind of segment condition as its query finds it, and who of those consented', async () => {
    const filters: SegmentFilter[] = [
      { match: 'all', conditions: [{ field: 'tag', op: 'has_not', value: 'vip' }] },
      { match: 'all', conditions: [{ field: 'consent', op: 'is_not', value: 'granted' }] },
      { match: 'all', conditions: [{ field: 'attribute', key: 'plan', op: 'contains', value: 'FIBRE' }] },
      { match: 'all', conditions: [{ field: 'attribute', key: 'city', op: 'not_exists', value: '' }] },
      { match: 'any', conditions: [{ field: 'tag', op: 'has', value: 'fibre' }, { field: 'consent', op: 'is', value: 'granted' }] },
    ];
    for (const filter of filters) {
      const found = await contacts.customers(a.id).find(segmentToQuery(filter)).lean();
      const counted = await contacts.segmentsService.count(a.id, filter);
      expect(counted, JSON.stringify(filter)).to.deep.equal({ total: found.length, consenting: found.filter((c) => c.marketingConsent === 'granted').length });
    }
  });

  it('ANDs conditions for "all" and ORs them for "any"', async () => {
    const conditions: SegmentFilter['conditions'] = [
      { field: 'tag', op: 'has', value: 'fibre' },
      { field: 'consent', op: 'is', value: 'granted' },
    ];
    expect(await namesOf({ match: 'all', conditions })).to.deep.equal(['Ana']);
    expect(await namesOf({ match: 'any', conditions })).to.deep.equal(['Ana', 'Bruno', 'Carla']);
  });

  it('streams lists ∪ everyone who consented, each person once', async () => {
    expect(await audience({ listIds: [newsletter] })).to.deep.equal(['Ana', 'Bruno']);
    expect(await audience({ listIds: [newsletter, vip] })).to.deep.equal(['Ana', 'Bruno', 'Dan']);
    expect(await audience({ allConsenting: true })).to.deep.equal(['Ana', 'Carla']);
    expect(await audience({ listIds: [newsletter, vip], allConsenting: true })).to.deep.equal(['Ana', 'Bruno', 'Carla', 'Dan']);
  });

  it('narrows the audience by a saved segment and counts who consented', async () => {
    const now = new Date();
    const filter: SegmentFilter = { match: 'all', conditions: [{ field: 'attribute', key: 'city', op: 'equals', value: 'Recife' }] };
    const segment = await contacts.segments(a.id).create({ name: 'Recife', nameKey: 'recife', filter, createdBy: 'test', createdAt: now, updatedAt: now });
    const selection = { listIds: [newsletter, vip], allConsenting: true, segmentId: String(segment._id) };
    expect(await audience(selection)).to.deep.equal(['Ana', 'Carla']);
    expect(await contacts.countAudience(a.id, selection)).to.deep.equal({ total: 2, consenting: 2 });
    expect(await contacts.countAudience(a.id, { listIds: [newsletter, vip], allConsenting: false, segmentId: null })).to.deep.equal({ total: 3, consenting: 1 });
  });

  it('hands campaigns what they need of each member', async () => {
    const [ana] = await collect(contacts.streamAudience(a.id, { listIds: [], allConsenting: true, segmentId: null }));
    expect(ana).to.deep.include({ phone: '+5511990000001', name: 'Ana', marketingConsent: 'granted', unreachable: false, country: 'BR', tags: ['vip', 'fibre'] });
    expect(ana?.attributes).to.deep.equal({ plan: 'fibre 500', city: 'Recife' });
    expect(ana?.customerId).to.match(/^[a-f0-9]{24}$/);
  });

  it('reads large audiences in batches without losing or repeating anyone', async () => {
    const bulk = Array.from({ length: 1234 }, (_, i) => customer({ phone: `+55119${String(80000000 + i)}`, name: `Bulk ${i}`, listIds: [vip] }));
    await contacts.customers(a.id).insertMany(bulk);
    const members = await collect(contacts.streamAudience(a.id, { listIds: [vip], allConsenting: false, segmentId: null }));
    expect(members).to.have.length(1236);
    expect(new Set(members.map((m) => m.customerId)).size).to.equal(1236);
    expect(await contacts.countAudience(a.id, { listIds: [vip], allConsenting: false, segmentId: null })).to.deep.equal({ total: 1236, consenting: 1 });
  });

  it("refuses lists and segments the tenant does not have (another tenant's ids included)", async () => {
    const foreignList = String(new Types.ObjectId());
    await contacts.countAudience(b.id, { listIds: [newsletter], allConsenting: false, segmentId: null }).then(
      () => expect.fail('a list of tenant A was accepted in tenant B'),
      (error: { code?: string }) => expect(error.code).to.equal('NOT_FOUND'),
    );
    await contacts.countAudience(a.id, { listIds: [foreignList], allConsenting: false, segmentId: null }).then(
      () => expect.fail('an unknown list was accepted'),
      (error: { code?: string }) => expect(error.code).to.equal('NOT_FOUND'),
    );
    expect(await collect(contacts.streamAudience(b.id, { listIds: [], allConsenting: true, segmentId: null }))).to.have.length(1);
  });

  it('tells consent listeners about every ledger write', async () => {
    const heard: { tenantId: string; change: ConsentChange }[] = [];
    t.engine.services.customers.onConsentChanged((tenantId, change) => heard.push({ tenantId, change }));
    const eva = await contacts.customers(a.id).findOne({ name: 'Eva' }).lean();
    const id = String(eva?._id);
    expect(await t.engine.services.customers.setMarketingConsent(a.id, id, 'revoked', 'agent', { note: 'asked by phone' })).to.equal(true);
    expect(await t.engine.services.customers.setMarketingConsent(a.id, id, 'revoked', 'agent', { note: 'again' })).to.equal(false);
    expect(heard).to.have.length(1);
    expect(heard[0]?.tenantId).to.equal(a.id);
    expect(heard[0]?.change).to.deep.include({ customerId: id, from: 'unknown', to: 'revoked', source: 'agent' });
  });

  it('writes CSV cells a spreadsheet will not run as formulas', () => {
    expect(['=1+1', '+33', '-2', '@SUM(A1)', '\t=x', '\r=x', 'plain', ''].map(csvSafeCell)).to.deep.equal(["'=1+1", "'+33", "'-2", "'@SUM(A1)", "'\t=x", "'\r=x", 'plain', '']);
    expect(toSafeCsv(['name'], [['=HYPERLINK("http://x")'], ['a,b']])).to.equal('name\n"\'=HYPERLINK(""http://x"")"\n"a,b"\n');
  });
});

import { expect } from 'chai';
import { Types } from 'mongoose';
import { customerIdOf } from '../../src/domains/customers/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { PNID, connectWhatsApp, eventually } from '../support/whatsapp.js';

describe('Customer identity', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let legacy: TenantFixture;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'identity');
    legacy = await onboardTenant(t, 'identity-legacy');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const customers = () => t.engine.services.customers;
  const marks = (tenantId: string) => t.engine.db.tenant(tenantId).collection('customer_marks');

  it('stores a new sender under the _id their number gives, and finds them again by it', async () => {
    const first = await customers().ensureFromInbound(tenant.id, { waId: '447700900101', userId: null, name: 'Ann' });
    expect(String(first._id)).to.equal(String(customerIdOf(tenant.id, 'wa:447700900101')));
    expect(first.identityKey).to.equal('wa:447700900101');
    const again = await customers().ensureFromInbound(tenant.id, { waId: '447700900101', userId: null, name: 'Ann B.' });
    expect(String(again._id)).to.equal(String(first._id));
    expect(again.name).to.equal('Ann B.');
    expect(await customers().customers(tenant.id).countDocuments({ phone: '+447700900101' })).to.equal(1);
    // The tenant never had a customer with another kind of id: a miss by _id means nobody.
    expect(await marks(tenant.id).countDocuments({ _id: 'keyed-ids' } as never)).to.equal(1);
  });

  it('gives both spellings of a Brazilian mobile one person, whichever wrote first', async () => {
    const modern = await customers().ensureFromInbound(tenant.id, { waId: '5511987650101', userId: null, name: 'Bia' });
    const old = await customers().ensureFromInbound(tenant.id, { waId: '551187650101', userId: null, name: 'Bia' });
    expect(String(old._id)).to.equal(String(modern._id));
    expect(modern.phone).to.equal('+5511987650101');
    const oldFirst = await customers().ensureFromInbound(tenant.id, { waId: '551187650102', userId: null, name: 'Caio' });
    expect(oldFirst.identityKey).to.equal('wa:5511987650102');
    expect(String((await customers().byIdentity(tenant.id, { waId: '5511987650102', userId: null }))?._id)).to.equal(String(oldFirst._id));
  });

  it('creates one customer when the first messages of a sender are handled at once', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => customers().ensureFromInbound(tenant.id, { waId: '447700900102', userId: null, name: 'Dee' })));
    expect(new Set(all.map((c) => String(c._id))).size).to.equal(1);
    expect(await customers().customers(tenant.id).countDocuments({ identityKey: 'wa:447700900102' })).to.equal(1);
  });

  it('finds a username user by their user id, and the same person once they show their number', async () => {
    const user = await customers().ensureFromInbound(tenant.id, { waId: null, userId: 'US.13491208655302741918', name: 'Eve' });
    expect(String(user._id)).to.equal(String(customerIdOf(tenant.id, 'u:US.13491208655302741918')));
    const withNumber = await customers().ensureFromInbound(tenant.id, { waId: '447700900103', userId: 'US.13491208655302741918', name: 'Eve' });
    expect(String(withNumber._id)).to.equal(String(user._id));
    expect(withNumber.waId).to.equal('447700900103');
  });

  it("lists a keyed customer's consent ledger entries on the customer, and reads their history by them", async () => {
    const customer = await customers().ensureFromInbound(tenant.id, { waId: '447700900105', userId: null, name: 'Fay' });
    expect(await customers().setMarketingConsent(tenant.id, String(customer._id), 'granted', 'agent', { note: 'asked in store' })).to.equal(true);
    expect(await customers().setMarketingConsent(tenant.id, String(customer._id), 'revoked', 'stop_keyword', { wamid: 'wamid.stop' })).to.equal(true);
    const stored = await customers().get(tenant.id, String(customer._id));
    const history = stored ? await customers().consentHistory(tenant.id, stored) : [];
    expect(history.map((entry) => [entry.from, entry.to, entry.source])).to.deep.equal([
      ['unknown', 'granted', 'agent'],
      ['granted', 'revoked', 'stop_keyword'],
    ]);
    expect(stored?.consentLedger).to.deep.equal(history.map((entry) => String(entry._id)));
  });

  it('still finds customers stored with ids of another kind, by searching, and never marks their tenant', async () => {
    const now = new Date();
    const stored = { _id: new Types.ObjectId(), identityKey: 'wa:551187650103', waId: '551187650103', userId: null, phone: '+5511987650103', name: 'Old', marketingConsent: 'granted', consentUpdatedAt: now, unreachable: false, tags: [], listIds: [], attributes: {}, country: 'BR', email: null, source: 'inbound', createdAt: now, lastSeenAt: now };
    await customers().customers(legacy.id).collection.insertOne(stored);
    const found = await customers().ensureFromInbound(legacy.id, { waId: '551187650103', userId: null, name: 'Old' });
    expect(String(found._id)).to.equal(String(stored._id));
    const byModernSpelling = await customers().byIdentity(legacy.id, { waId: '5511987650103', userId: null });
    expect(String(byModernSpelling?._id)).to.equal(String(stored._id));
    const fresh = await customers().ensureFromInbound(legacy.id, { waId: '447700900104', userId: null, name: 'New' });
    expect(String(fresh._id)).to.equal(String(customerIdOf(legacy.id, 'wa:447700900104')));
    expect(await customers().customers(legacy.id).countDocuments({})).to.equal(2);
    expect(await customers().setMarketingConsent(legacy.id, String(stored._id), 'revoked', 'stop_keyword', { wamid: 'wamid.old' })).to.equal(true);
    await t.engine.db.tenant(legacy.id).collection('consent_ledger').insertOne({ customerId: String(stored._id), category: 'marketing', from: 'unknown', to: 'granted', source: 'import', evidence: {}, at: new Date(Date.now() - 86_400_000) });
    expect((await customers().consentHistory(legacy.id, stored)).map((entry) => entry.to), 'an entry the customer does not list is found too').to.deep.equal(['granted', 'revoked']);
    expect(await marks(legacy.id).countDocuments({})).to.equal(0);
  });

  it('writes a message of a customer stored before ids were derived into the conversation they already had', async () => {
    const wa = await connectWhatsApp(t, legacy);
    try {
      const customer = await customers().byIdentity(legacy.id, { waId: '551187650103', userId: null });
      const conversations = t.engine.db.tenant(legacy.id).collection('conversations');
      const opened = new Types.ObjectId();
      await conversations.insertOne({ _id: opened, customerId: String(customer?._id), phoneNumberId: PNID, state: 'bot', queue: null, assigneeId: null, unread: 0, rev: 0, createdAt: new Date() });
      await wa.inject({ from: '551187650103', name: 'Old', type: 'text', text: { body: 'hello again' } });
      const messages = t.engine.db.tenant(legacy.id).collection('messages');
      await eventually(async () => (await messages.countDocuments({ conversationId: String(opened), direction: 'inbound' })) === 1, 'the message in the old conversation');
      expect(await conversations.countDocuments({ customerId: String(customer?._id) })).to.equal(1);
    } finally {
      await wa.close();
    }
  });
});

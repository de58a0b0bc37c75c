import { expect } from 'chai';
import type { ContactDetail, ContactListView, ContactPage, SegmentView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { importCsv } from './import-client.js';

type ErrorReply = { error: { code: string; details?: { fields?: { field: string }[] } } };

describe('Contacts API', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let marketer: ApiClient;
  let care: ApiClient;
  let vipList: ContactListView;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'con-a');
    marketer = (await addMember(t, a, 'marketer@con-a.test', ['marketer'])).client;
    care = (await addMember(t, a, 'care@con-a.test', ['care_agent'])).client;
    vipList = (await marketer.post<ContactListView>('/api/contact-lists', { name: 'VIP' })).body;
    await importCsv(
      marketer,
      ['phone,name,tags,consent,city', '+14155550101,Alice,vip,granted,Austin', '+14155550102,Bob,,revoked,Boston', '+14155550103,Carol,vip;fibre,,Austin', '+447400123456,Dave,,granted,London'].join('\n'),
      { mapping: { phone: 'phone', name: 'name', tags: 'tags', consentStatus: 'consent', attributes: [{ column: 'city', key: 'city' }] }, listId: vipList.id },
    );
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const search = async (query: string) => (await marketer.get<ContactPage>(`/api/contacts${query}`)).body;
  const names = (page: ContactPage) => page.items.map((c) => c.name).sort();

  it('searches by name or phone and filters by list, tag and consent, a page at a time', async () => {
    expect(names(await search('?q=ali'))).to.deep.equal(['Alice']);
    expect(names(await search('?q=5550102'))).to.deep.equal(['Bob']);
    expect(names(await search(`?listId=${vipList.id}&tag=vip`))).to.deep.equal(['Alice', 'Carol']);
    expect(names(await search('?consent=granted'))).to.deep.equal(['Alice', 'Dave']);
    const page = await search('?limit=3&page=2');
    expect(page).to.deep.include({ total: 4, page: 2, limit: 3 });
    expect(page.items).to.have.length(1);
    expect(await marketer.get<string[]>('/api/contacts/tags')).to.deep.include({ body: ['fibre', 'vip'] });
  });

  it('renames and deletes lists, keeping the people', async () => {
    const renamed = await marketer.patch<ContactListView>(`/api/contact-lists/${vipList.id}`, { name: 'Best customers' });
    expect(renamed.body).to.deep.include({ name: 'Best customers', memberCount: 4 });
    const clash = await marketer.post<ErrorReply>('/api/contact-lists', { name: 'best customers' });
    expect(clash.status).to.equal(409);
    const temp = await marketer.post<ContactListView>('/api/contact-lists', { name: 'Temp' });
    const alice = (await search('?q=alice')).items[0];
    await marketer.post('/api/contacts/bulk', { ids: [alice?.id], addListIds: [temp.body.id] });
    const empty = await marketer.post<ContactListView>('/api/contact-lists', { name: 'Empty' });
    const counts = (await marketer.get<ContactListView[]>('/api/contact-lists')).body.map((list) => [list.name, list.memberCount]);
    expect(counts, 'each list counts its own members, someone on two lists in both').to.deep.equal([
      ['Best customers', 4],
      ['Empty', 0],
      ['Temp', 1],
    ]);
    expect((await marketer.request('DELETE', `/api/contact-lists/${empty.body.id}`)).status).to.equal(204);
    expect((await marketer.request('DELETE', `/api/contact-lists/${temp.body.id}`)).status).to.equal(204);
    expect((await search('?q=alice')).items[0]?.listIds).to.deep.equal([vipList.id]);
  });

  it('adds and removes tags in bulk', async () => {
    const ids = (await search('?q=o')).items.map((c) => c.id);
    const result = await marketer.post<{ matched: number }>('/api/contacts/bulk', { ids, addTags: ['spring'], removeTags: ['vip'] });
    expect(result.body.matched).to.equal(ids.length);
    const tagged = await search('?tag=spring');
    expect(names(tagged)).to.deep.equal(['Bob', 'Carol']);
    expect(tagged.items.find((c) => c.name === 'Carol')?.tags).to.deep.equal(['fibre', 'spring']);
  });

  it('saves segments with a live count and previews a filter before saving', async () => {
    const filter = { match: 'all', conditions: [{ field: 'attribute', key: 'city', op: 'equals', value: 'Austin' }, { field: 'consent', op: 'is', value: 'granted' }] };
    const preview = await marketer.post('/api/segments/preview', { filter });
    expect(preview.body).to.deep.equal({ total: 1, consenting: 1 });
    const created = await marketer.post<SegmentView>('/api/segments', { name: 'Austin opt-ins', filter });
    expect(created.status).to.equal(201);
    expect(created.body.count).to.deep.equal({ total: 1, consenting: 1 });
    const any = await marketer.request<SegmentView>('PUT', `/api/segments/${created.body.id}`, { name: 'Austin or opted in', filter: { ...filter, match: 'any' } });
    expect(any.body.count).to.deep.equal({ total: 3, consenting: 2 });
    expect(names(await search(`?segmentId=${created.body.id}`))).to.deep.equal(['Alice', 'Carol', 'Dave']);
    const bad = await marketer.post<ErrorReply>('/api/segments', { name: 'Bad', filter: { match: 'all', conditions: [{ field: 'attribute', key: 'a.b', op: 'equals', value: 'x' }] } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details?.fields?.map((f) => f.field)).to.deep.equal(['body.filter.conditions.0.key']);
  });

  it('records a manual consent change with the note as evidence, and requires the note', async () => {
    const bob = (await search('?q=bob')).items[0];
    const noNote = await marketer.post<ErrorReply>(`/api/contacts/${bob?.id}/consent`, { to: 'granted' });
    expect(noNote.status).to.equal(400);
    expect(noNote.body.error.details?.fields?.map((f) => f.field)).to.deep.equal(['body.note']);
    const changed = await marketer.post<ContactDetail>(`/api/contacts/${bob?.id}/consent`, { to: 'granted', note: 'Asked to rejoin at the store counter' });
    expect(changed.status).to.equal(200);
    expect(changed.body.marketingConsent).to.equal('granted');
    const last = changed.body.consentHistory.at(-1);
    expect(last).to.deep.include({ from: 'revoked', to: 'granted', source: 'agent' });
    expect(last?.evidence).to.deep.include({ note: 'Asked to rejoin at the store counter', email: 'marketer@con-a.test' });
  });

  it('edits a contact and refuses attribute keys that cannot be stored', async () => {
    const dave = (await search('?q=dave')).items[0];
    const edited = await marketer.patch<ContactDetail>(`/api/contacts/${dave?.id}`, { email: 'Dave@Example.com', attributes: { city: 'Leeds', plan: 'mobile' } });
    expect(edited.body).to.deep.include({ email: 'dave@example.com', country: 'GB' });
    expect(edited.body.attributes).to.deep.equal({ city: 'Leeds', plan: 'mobile' });
    const bad = await marketer.patch<ErrorReply>(`/api/contacts/${dave?.id}`, { attributes: { $where: 'x' } });
    expect(bad.status).to.equal(400);
  });

  it('keeps the default country per tenant, validated', async () => {
    expect((await marketer.get('/api/contacts/settings')).body).to.deep.equal({ defaultCountry: 'US' });
    expect((await marketer.request('PUT', '/api/contacts/settings', { defaultCountry: 'br' })).status).to.equal(400);
    expect((await marketer.request('PUT', '/api/contacts/settings', { defaultCountry: 'BR' })).body).to.deep.equal({ defaultCountry: 'BR' });
  });

  it('refuses a care agent every contacts permission with 403', async () => {
    const anyId = vipList.id;
    const denied: [string, string, unknown?][] = [
      ['GET', '/api/contacts'],
      ['GET', `/api/contacts/${anyId}`],
      ['PATCH', `/api/contacts/${anyId}`, { name: 'x' }],
      ['POST', `/api/contacts/${anyId}/consent`, { to: 'revoked', note: 'asked' }],
      ['POST', '/api/contacts/bulk', { ids: [anyId], addTags: ['x'] }],
      ['PUT', '/api/contacts/settings', { defaultCountry: 'BR' }],
      ['GET', '/api/contact-lists'],
      ['POST', '/api/contact-lists', { name: 'Mine' }],
      ['DELETE', `/api/contact-lists/${anyId}`],
      ['GET', '/api/segments'],
      ['POST', '/api/segments', { name: 'S', filter: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] } }],
      ['DELETE', `/api/segments/${anyId}`],
      ['GET', '/api/contact-imports'],
      ['POST', '/api/contact-imports', {}],
      ['POST', `/api/contact-imports/${anyId}/run`, { mapping: { phone: 'phone' } }],
    ];
    for (const [method, path, body] of denied) {
      const result = await care.request<ErrorReply>(method, path, body);
      expect(result.status, `${method} ${path}`).to.equal(403);
      expect(result.body.error.code).to.equal('FORBIDDEN');
    }
    expect((await marketer.get<ContactListView[]>('/api/contact-lists')).body.map((l) => l.name)).to.deep.equal(['Best customers']);
  });
});

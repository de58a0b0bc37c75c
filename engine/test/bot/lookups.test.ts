import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { AuditEntryView, ClientToServerEvents, LookupKind, LookupRow, ServerToClientEvents } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';

type ErrorReply = { error: { code: string; details?: { fields?: { field: string; message: string }[] } } };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const fieldsOf = (body: unknown) => ((body as ErrorReply).error.details?.fields ?? []).map((f) => f.field);

describe('Bot lookups API', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;
  let care: ApiClient;
  let manager: ApiClient;
  let marketer: ApiClient;
  const sockets: ClientSocket[] = [];

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'bot-a');
    b = await onboardTenant(t, 'bot-b');
    care = (await addMember(t, a, 'care@bot-a.test', ['care_agent'])).client;
    manager = (await addMember(t, a, 'manager@bot-a.test', ['manager'])).client;
    marketer = (await addMember(t, a, 'marketer@bot-a.test', ['marketer'])).client;
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await dropTestData(t.engine);
    await t.close();
  });

  const create = (client: ApiClient, kind: LookupKind, body: Record<string, unknown>) => client.post<LookupRow>(`/api/lookups/${kind}`, body);

  it('starts every table empty', async () => {
    for (const kind of ['services', 'products', 'issues'] as const) {
      const listed = await a.admin.get<LookupRow[]>(`/api/lookups/${kind}`);
      expect(listed.status, kind).to.equal(200);
      expect(listed.body).to.deep.equal([]);
    }
  });

  it('creates a row with the defaults filled in, lists it, and audits it', async () => {
    const created = await create(a.admin, 'products', { name: 'Fibre 500', synonyms: ['fibra', 'fiber internet'], price: 29.9, queue: 'sales' });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({ kind: 'products', name: 'Fibre 500', description: '', reply: '', price: 29.9, queue: 'sales', active: true });
    expect(created.body.id).to.match(/^[a-f0-9]{24}$/);
    const listed = await a.admin.get<LookupRow[]>('/api/lookups/products');
    expect(listed.body.map((row) => row.id)).to.deep.equal([created.body.id]);
    const audit = await a.admin.get<AuditEntryView[]>('/api/audit?action=lookup.created');
    expect(audit.body[0]).to.deep.include({ target: { type: 'lookup', id: created.body.id, label: 'products: Fibre 500' } });
    expect(audit.body[0]?.actor.email).to.equal(a.adminEmail);
  });

  it("tells the tenant's screens that a table changed", async () => {
    const socket: ClientSocket = io(t.url, { transports: ['websocket'], extraHeaders: { origin: t.url, cookie: a.admin.sessionCookie ?? '' }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const changed = new Promise<{ kind: LookupKind }>((resolve) => socket.once('lookups:changed', resolve));
    expect((await create(a.admin, 'services', { name: 'Opening hours', reply: 'Mon–Fri 8–20' })).status).to.equal(201);
    expect(await changed).to.deep.equal({ kind: 'services' });
  });

  it('names every invalid field with 400', async () => {
    const bad = await create(a.admin, 'products', { name: '', synonyms: ['ok', ''], price: -1, queue: 'billing', colour: 'red' });
    expect(bad.status).to.equal(400);
    expect((bad.body as unknown as ErrorReply).error.code).to.equal('VALIDATION_FAILED');
    expect(fieldsOf(bad.body)).to.include.members(['body.name', 'body.synonyms.1', 'body.price', 'body.queue', 'body']);
    const long = await create(a.admin, 'services', { name: 'x'.repeat(25), description: 'y'.repeat(73) });
    expect(fieldsOf(long.body)).to.include.members(['body.name', 'body.description']);
  });

  it('refuses a price outside products and a name with nothing to match on', async () => {
    const priced = await create(a.admin, 'issues', { name: 'Router broken', price: 10 });
    expect(priced.status).to.equal(400);
    expect(fieldsOf(priced.body)).to.deep.equal(['body.price']);
    const symbols = await create(a.admin, 'issues', { name: '!!!', synonyms: ['???'] });
    expect(fieldsOf(symbols.body)).to.deep.equal(['body.name', 'body.synonyms.0']);
  });

  it('refuses a duplicate name in the same table with 409 naming body.name, whatever its case or accents', async () => {
    const duplicate = await create(a.admin, 'products', { name: 'FIBRE-500!' });
    expect(duplicate.status).to.equal(409);
    expect((duplicate.body as unknown as ErrorReply).error.code).to.equal('CONFLICT');
    expect(fieldsOf(duplicate.body)).to.deep.equal(['body.name']);
    expect((await create(a.admin, 'issues', { name: 'Fibre 500' })).status).to.equal(201);
    expect((await create(b.admin, 'products', { name: 'Fibre 500' })).status).to.equal(201);
  });

  it('lets exactly one of two simultaneous creates of the same name win', async () => {
    const results = await Promise.all([create(a.admin, 'services', { name: 'Same time' }), create(a.admin, 'services', { name: 'same-time' })]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    const rows = (await a.admin.get<LookupRow[]>('/api/lookups/services')).body;
    expect(rows.filter((r) => r.name.toLowerCase().startsWith('same'))).to.have.length(1);
  });

  it('changes only the fields sent, audits before and after, and refuses a rename onto another row', async () => {
    const row = (await create(a.admin, 'issues', { name: 'Slow internet', synonyms: ['lento'], queue: 'care', reply: 'Let me check.' })).body;
    const patched = await a.admin.patch<LookupRow>(`/api/lookups/issues/${row.id}`, { synonyms: ['lento', 'slow'], active: false });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.deep.include({ name: 'Slow internet', synonyms: ['lento', 'slow'], reply: 'Let me check.', queue: 'care', active: false });
    const audit = await a.admin.get<AuditEntryView[]>('/api/audit?action=lookup.updated');
    expect(audit.body[0]?.before).to.deep.include({ active: true, synonyms: ['lento'] });
    expect(audit.body[0]?.after).to.deep.include({ active: false, synonyms: ['lento', 'slow'] });
    const clash = await a.admin.patch(`/api/lookups/issues/${row.id}`, { name: 'fibre 500' });
    expect(clash.status).to.equal(409);
    expect(fieldsOf(clash.body)).to.deep.equal(['body.name']);
    expect((await a.admin.patch(`/api/lookups/issues/${row.id}`, { price: 5 })).status).to.equal(400);
  });

  it('deletes a row with 204 and audits it; the id is then unknown', async () => {
    const row = (await create(a.admin, 'services', { name: 'Temporary' })).body;
    const deleted = await a.admin.request('DELETE', `/api/lookups/services/${row.id}`);
    expect(deleted.status).to.equal(204);
    expect((await a.admin.request('DELETE', `/api/lookups/services/${row.id}`)).status).to.equal(404);
    expect((await a.admin.patch(`/api/lookups/services/${row.id}`, { active: true })).status).to.equal(404);
    const audit = await a.admin.get<AuditEntryView[]>('/api/audit?action=lookup.deleted');
    expect(audit.body[0]).to.deep.include({ before: row, after: null });
  });

  it('answers 404 for an unknown id, a row of another table, or an unknown table', async () => {
    const row = (await create(a.admin, 'services', { name: 'Delivery' })).body;
    expect((await a.admin.patch('/api/lookups/services/0123456789abcdef01234567', { active: false })).status).to.equal(404);
    expect((await a.admin.patch(`/api/lookups/products/${row.id}`, { active: false })).status).to.equal(404);
    expect((await a.admin.get('/api/lookups/widgets')).status).to.equal(404);
    expect((await a.admin.patch('/api/lookups/services/not-an-id', { active: false })).status).to.equal(400);
  });

  it("answers 404 to another tenant for every row of this one, and changes nothing", async () => {
    const row = (await create(a.admin, 'issues', { name: 'No signal', synonyms: ['sem sinal'] })).body;
    expect((await b.admin.patch(`/api/lookups/issues/${row.id}`, { name: 'Hijacked' })).status).to.equal(404);
    expect((await b.admin.request('DELETE', `/api/lookups/issues/${row.id}`)).status).to.equal(404);
    const bRows = await b.admin.get<LookupRow[]>('/api/lookups/issues');
    expect(bRows.body.map((r) => r.name)).to.not.include('No signal');
    const aRows = await a.admin.get<LookupRow[]>('/api/lookups/issues');
    expect(aRows.body.find((r) => r.id === row.id)).to.deep.equal(row);
  });

  describe('permissions', () => {
    it('lets care agents and managers read the tables', async () => {
      expect((await care.get('/api/lookups/issues')).status).to.equal(200);
      expect((await manager.get('/api/lookups/products')).status).to.equal(200);
    });

    it('refuses a care agent creating, changing or deleting a row with 403', async () => {
      const row = (await create(a.admin, 'services', { name: 'Guarded' })).body;
      expect((await create(care, 'services', { name: 'Sneaky' })).status).to.equal(403);
      expect((await care.patch(`/api/lookups/services/${row.id}`, { active: false })).status).to.equal(403);
      expect((await care.request('DELETE', `/api/lookups/services/${row.id}`)).status).to.equal(403);
    });

    it('refuses a manager changing a row with 403', async () => {
      expect((await create(manager, 'products', { name: 'Managed' })).status).to.equal(403);
    });

    it('refuses a marketer even reading the tables with 403', async () => {
      expect((await marketer.get('/api/lookups/services')).status).to.equal(403);
    });
  });
});

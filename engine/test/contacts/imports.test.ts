import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ContactDetail, ContactImportView, ContactPage, ImportCounts, ServerToClientEvents } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { eventually } from '../support/whatsapp.js';
import { PERSONS_PER_BATCH } from '../../src/domains/contacts/import-writer.js';
import { importCsv, uploadCsv } from './import-client.js';

type ErrorReply = { error: { code: string; message: string; details?: { line?: number; fields?: { field: string }[] } } };

describe('Contact imports', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let marketer: ApiClient;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'imp-a');
    marketer = (await addMember(t, a, 'marketer@imp-a.test', ['marketer'])).client;
    expect((await marketer.request('PUT', '/api/contacts/settings', { defaultCountry: 'BR' })).status).to.equal(200);
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const contactsCount = async () => (await marketer.get<ContactPage>('/api/contacts')).body.total;
  const byPhone = async (phone: string) => {
    const page = await marketer.get<ContactPage>(`/api/contacts?q=${encodeURIComponent(phone)}`);
    const found = page.body.items.find((c) => c.phone === phone);
    if (!found) throw new Error(`${phone} not found`);
    return (await marketer.get<ContactDetail>(`/api/contacts/${found.id}`)).body;
  };

  describe('upload', () => {
    it('answers with the columns, a sample and the row count, whatever the delimiter', async () => {
      const comma = await uploadCsv(marketer, 'phone,name\n+5511987650001,Ana\n+5511987650002,"Silva, Bruno"\n');
      expect(comma.status).to.equal(201);
      expect(comma.body).to.deep.include({ status: 'uploaded', headers: ['phone', 'name'], rowCount: 2, fileName: 'contacts.csv' });
      expect(comma.body.sample).to.deep.equal([['+5511987650001', 'Ana'], ['+5511987650002', 'Silva, Bruno']]);
      const semicolon = await uploadCsv(marketer, '\uFEFFtelefone;nome\r\n11 98765-0003;Carla\r\n');
      expect(semicolon.body.headers).to.deep.equal(['telefone', 'nome']);
      expect(semicolon.body.sample).to.deep.equal([['11 98765-0003', 'Carla']]);
    });

    const malformed: [string, string | Uint8Array, RegExp, number | null][] = [
      ['an unbalanced quote', 'phone,name\n+5511987650001,Ana\n+5511987650002,"Bruno\n+5511987650003,Carla\n', /never closed/, 3],
      ['a stray quote', 'phone,name\n+5511987650001,An"a\n', /"/, 2],
      ['an empty file', '', /empty/, null],
      ['a header without rows', 'phone,name\n', /no rows/, 2],
      ['a repeated column', 'phone,phone\n1,2\n', /appears twice/, 1],
      ['Latin-1 bytes', new Uint8Array([...Buffer.from('phone,name\n+5511987650001,Jo'), 0xe3, ...Buffer.from('o\n')]), /not UTF-8/, 2],
    ];
    for (const [what, body, message, line] of malformed) {
      it(`refuses ${what} with 400 naming the problem and the line, and creates nothing`, async () => {
        const before = (await marketer.get<ContactImportView[]>('/api/contact-imports')).body.length;
        const result = await uploadCsv(marketer, body);
        const reply = result.body as unknown as ErrorReply;
        expect(result.status).to.equal(400);
        expect(reply.error.code).to.equal('VALIDATION_FAILED');
        expect(reply.error.message).to.match(message);
        expect(reply.error.details?.line ?? null).to.equal(line);
        expect((await marketer.get<ContactImportView[]>('/api/contact-imports')).body.length).to.equal(before);
        expect(await contactsCount()).to.equal(0);
      });
    }

    it('refuses a file over 20 MB with 413', async () => {
      const row = '+5511987650001,A name long enough to fill the file quickly\n';
      const result = await uploadCsv(marketer, `phone,name\n${row.repeat(Math.ceil((21 * 1024 * 1024) / row.length))}`);
      expect(result.status).to.equal(413);
      expect((result.body as unknown as ErrorReply).error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('refuses a mapping to columns the file does not have', async () => {
      const uploaded = await uploadCsv(marketer, 'phone,name\n+5511987650001,Ana\n');
      const result = await marketer.post<ErrorReply>(`/api/contact-imports/${uploaded.body.id}/run`, { mapping: { phone: 'mobile', name: 'name', attributes: [{ column: 'plan', key: 'plan' }] } });
      expect(result.status).to.equal(400);
      expect(result.body.error.details?.fields?.map((f) => f.field)).to.deep.equal(['body.mapping.phone', 'body.mapping.attributes.0.column']);
      const missing = await marketer.post<ErrorReply>(`/api/contact-imports/${uploaded.body.id}/run`, { mapping: { name: 'name' } });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.details?.fields?.map((f) => f.field)).to.include('body.mapping.phone');
    });
  });

  describe('run', () => {
    const csv = [
      'Phone,Name,Email,Tags,Consent,Consent source,Consent time,Plan',
      '+55 11 98765-4321,Ana Souza,ana@example.com,vip; fibre,granted,website form,2024-03-01T10:00:00Z,Fibre 500', // 2
      '(11) 8765-4321,Ana S.,,newsletter,,,,', // 3: the same mobile without the ninth digit → merged
      ',No Phone,,,,,,', // 4
      'call me,Letters,,,,,,', // 5
      '+55 11 1234,Too Short,,,,,,', // 6
      '+5511987650010,Bad Email,not-an-email,,,,,', // 7
      '+5511987650011,Bad Consent,,,maybe,,,', // 8
      '+5511987650012,Bad Time,,,granted,form,yesterday,', // 9
      '+5511987650013,Future,,,granted,form,2999-01-01,', // 10
      '+5511987650014,Extra,,,,,,,surplus', // 11
      '+5511987650015,"=HYPERLINK(""http://evil"")",,,revoked,call centre,2024-01-01,Mobile', // 12
      '11987650016,National,,,yes,,,', // 13
      '+5511987650015,Dup Later,,promo,,,,', // 14: duplicate of row 12 → merged
    ].join('\n');

    let report: Awaited<ReturnType<typeof importCsv>>;
    let existingId: string;

    before(async () => {
      const existing = await t.engine.services.customers.ensureFromInbound(a.id, { waId: '5511987650016', userId: null, name: 'Wrote In' });
      existingId = String(existing._id);
      const list = await marketer.post<{ id: string }>('/api/contact-lists', { name: 'Spring promo' });
      report = await importCsv(marketer, csv, {
        mapping: {
          phone: 'Phone',
          name: 'Name',
          email: 'Email',
          tags: 'Tags',
          consentStatus: 'Consent',
          consentSource: 'Consent source',
          consentTime: 'Consent time',
          attributes: [{ column: 'Plan', key: 'plan' }],
        },
        listId: list.body.id,
        addTags: ['imported'],
      });
    });

    it('counts created, updated, merged and rejected rows exactly', () => {
      const counts: ImportCounts = { created: 2, updated: 1, merged: 2, rejected: 8, consentKept: 0 };
      expect(report.import.counts).to.deep.equal(counts);
      expect(report.import.processed).to.equal(13);
      expect(report.import.rowCount).to.equal(13);
    });

    it('gives the line, the value and the reason of every rejected row', () => {
      expect(report.rejections.map((r) => [r.row, r.value])).to.deep.equal([
        [4, ''],
        [5, 'call me'],
        [6, '+55 11 1234'],
        [7, 'not-an-email'],
        [8, 'maybe'],
        [9, 'yesterday'],
        [10, '2999-01-01'],
        [11, 'surplus'],
      ]);
      expect(report.rejections.map((r) => r.reason)).to.deep.equal([
        'no phone number',
        'the phone number has letters or symbols',
        'not a valid phone number (national numbers are read as BR)',
        'not a valid email address',
        'consent must be granted, revoked or unknown (yes/no, opt-in/opt-out are understood)',
        'the consent time is not a date (use 2024-05-31 or 2024-05-31T14:00:00Z)',
        'the consent time is in the future',
        'has 9 cells but the header names 8 columns',
      ]);
    });

    it("folds Brazil's two spellings of a mobile into one person", async () => {
      const ana = await byPhone('+5511987654321');
      expect(ana).to.deep.include({ name: 'Ana S.', email: 'ana@example.com', country: 'BR', source: 'import', marketingConsent: 'granted' });
      expect(ana.tags).to.have.members(['vip', 'fibre', 'newsletter', 'imported']);
      expect(ana.attributes).to.deep.equal({ plan: 'Fibre 500' });
    });

    it('updates the customer who already wrote in instead of creating another', async () => {
      const national = await byPhone('+5511987650016');
      expect(national.id).to.equal(existingId);
      expect(national).to.deep.include({ name: 'National', source: 'inbound', marketingConsent: 'granted' });
      expect(national.listIds).to.have.length(1);
    });

    it('records each consent change in the ledger with the file as evidence', async () => {
      const ana = await byPhone('+5511987654321');
      expect(ana.consentHistory).to.have.length(1);
      expect(ana.consentHistory[0]).to.deep.include({ from: 'unknown', to: 'granted', source: 'import' });
      expect(ana.consentHistory[0]?.evidence).to.deep.equal({
        importId: report.import.id,
        fileName: 'contacts.csv',
        row: 2,
        columns: 'Consent: granted | Consent source: website form | Consent time: 2024-03-01T10:00:00Z',
        consentSource: 'website form',
        consentedAt: '2024-03-01T10:00:00.000Z',
      });
      const revoked = await byPhone('+5511987650015');
      expect(revoked.marketingConsent).to.equal('revoked');
      expect(revoked.tags).to.have.members(['promo', 'imported']);
      expect(revoked.consentHistory.map((e) => [e.to, (e.evidence as { row: number }).row])).to.deep.equal([['revoked', 12]]);
    });

    it('never lifts an opt-out without a consent time later than it', async () => {
      const kept = await importCsv(marketer, 'phone,consent\n+5511987650015,granted\n', { mapping: { phone: 'phone', consentStatus: 'consent' } });
      expect(kept.import.counts).to.deep.include({ updated: 1, consentKept: 1 });
      expect((await byPhone('+5511987650015')).marketingConsent).to.equal('revoked');
      const older = await importCsv(marketer, 'phone,consent,at\n+5511987650015,granted,2023-12-31\n', { mapping: { phone: 'phone', consentStatus: 'consent', consentTime: 'at' } });
      expect(older.import.counts.consentKept).to.equal(1);
      const later = await importCsv(marketer, 'phone,consent,at\n+5511987650015,granted,2024-06-01T09:00:00Z\n', { mapping: { phone: 'phone', consentStatus: 'consent', consentTime: 'at' } });
      expect(later.import.counts.consentKept).to.equal(0);
      const person = await byPhone('+5511987650015');
      expect(person.marketingConsent).to.equal('granted');
      expect(person.consentHistory.map((e) => e.to)).to.deep.equal(['revoked', 'granted']);
    });

    it('downloads the rejected rows as CSV a spreadsheet will not execute', async () => {
      const bad = await importCsv(marketer, 'phone,name\n=cmd|calc,x\n@SUM(1),y\n', { mapping: { phone: 'phone' } });
      const response = await fetch(`${t.url}/api/contact-imports/${bad.import.id}/rejections.csv`, { headers: { cookie: marketer.sessionCookie ?? '' } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/csv/);
      expect(response.headers.get('content-disposition')).to.contain('contacts-rejected.csv');
      const text = await response.text();
      expect(text.split('\n')).to.deep.equal(['row,value,reason', "2,'=cmd|calc,the phone number has letters or symbols", "3,'@SUM(1),the phone number has letters or symbols", '']);
    });

    it('refuses to run the same upload twice', async () => {
      const again = await marketer.post<ErrorReply>(`/api/contact-imports/${report.import.id}/run`, { mapping: { phone: 'Phone' } });
      expect(again.status).to.equal(409);
    });
  });

  describe('a number repeated far apart in a file larger than a batch', () => {
    // Rows are planned and written a batch at a time: a row that repeats someone of an earlier
    // batch, already written, must still come to what a plan of the whole file would make.
    let report: Awaited<ReturnType<typeof importCsv>>;
    before(async () => {
      const rows = Array.from({ length: PERSONS_PER_BATCH + 100 }, (_, i) => `+55119${String(60000000 + i)},Person ${i},,,`);
      rows[0] = '+5511960000000,Early Name,first,granted,2024-01-01T00:00:00Z';
      rows[1] = '+5511960000001,Opted Out,,revoked,2024-06-01T00:00:00Z';
      rows.push('(11) 96000-0000,Late Name,second,revoked,2024-06-01T00:00:00Z');
      rows.push('11 96000-0001,Later Row,,granted,2024-01-01T00:00:00Z');
      report = await importCsv(marketer, `phone,name,tags,consent,consent_time\n${rows.join('\n')}\n`, {
        mapping: { phone: 'phone', name: 'name', tags: 'tags', consentStatus: 'consent', consentTime: 'consent_time' },
      });
    });

    it('counts each repeat as merged', () => {
      expect(report.import.counts).to.deep.equal({ created: PERSONS_PER_BATCH + 100, updated: 0, merged: 2, rejected: 0, consentKept: 0 });
    });

    it("takes the later row's fields and tags, and records the consent change it makes as a change of its own", async () => {
      const person = await byPhone('+5511960000000');
      expect(person.name).to.equal('Late Name');
      expect([...person.tags].sort()).to.deep.equal(['first', 'second']);
      expect(person.marketingConsent).to.equal('revoked');
      expect(person.consentHistory.map((e) => [e.from, e.to, (e.evidence as { row: number }).row])).to.deep.equal([
        ['unknown', 'granted', 2],
        // The header is line 1, then the batch and a hundred more rows.
        ['granted', 'revoked', PERSONS_PER_BATCH + 102],
      ]);
    });

    it('keeps the statement with the later consent time, whichever row came last', async () => {
      const person = await byPhone('+5511960000001');
      expect(person.name).to.equal('Later Row');
      expect(person.marketingConsent).to.equal('revoked');
      expect(person.consentHistory.map((e) => [e.from, e.to])).to.deep.equal([['unknown', 'revoked']]);
    });
  });

  describe('progress', () => {
    it('moves a live progress bar to the end for readers of contacts', async () => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(t.url, { transports: ['websocket'], extraHeaders: { origin: t.url, cookie: marketer.sessionCookie ?? '' }, reconnection: false, forceNew: true });
      const progress: { processed: number; total?: number; counts: ImportCounts }[] = [];
      const finished: ContactImportView[] = [];
      socket.on('contacts:import-progress', (p) => progress.push(p));
      socket.on('contacts:import-finished', (v) => finished.push(v));
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      try {
        const rows = Array.from({ length: 5000 }, (_, i) => `+55119${String(70000000 + i)},Person ${i}`);
        const report = await importCsv(marketer, `phone,name\n${rows.join('\n')}\n`, { mapping: { phone: 'phone', name: 'name' } });
        await eventually(async () => finished.some((f) => f.id === report.import.id), 'the finished event');
        const last = progress.at(-1);
        expect(last).to.deep.include({ processed: 5000, total: 5000 });
        expect(last?.counts.created).to.equal(5000);
        const processed = progress.map((p) => p.processed);
        expect(processed).to.deep.equal([...processed].sort((x, y) => x - y));
      } finally {
        socket.close();
      }
    });
  });
});

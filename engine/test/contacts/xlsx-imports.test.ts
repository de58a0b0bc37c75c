import { expect } from 'chai';
import type { ContactDetail, ContactImportView, ContactPage, ImportReport, ImportRunInput } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { cellText, readXlsxUpload, unpackedSize } from '../../src/domains/contacts/xlsx-read.js';
import { importCsv, uploadCsv, XLSX_TYPE } from './import-client.js';
import { oleFile, workbook } from './workbooks.js';
import { LIMITS } from './zips.js';

type ErrorReply = { error: { code: string; message: string; details?: { line?: number } } };

const RUN: ImportRunInput = {
  mapping: { phone: 'Phone', name: 'Name', email: 'Email', consentStatus: 'Consent', consentTime: 'Consent time', attributes: [{ column: 'Plan', key: 'plan' }] },
  addTags: ['imported'],
};
const HEADER = ['Phone', 'Name', 'Email', 'Consent', 'Consent time', 'Plan'];

/** A marketer's sheet: phones typed as numbers, date cells, formulas (one giving a date), rich text, a link, an empty row, bad rows. */
const SHEET = [
  HEADER,
  [5511987654321, { richText: [{ text: 'Ana ', font: { bold: true } }, { text: 'Souza' }] }, 'ana@example.com', 'granted', new Date('2024-03-01T10:00:00Z'), 'Fibre 500'],
  ['(11) 8765-4321', 'Ana S.', null, null, null, null],
  null,
  [11987650016, { formula: 'UPPER("national")', result: 'NATIONAL' }, null, 'yes', new Date('2024-01-02T00:00:00Z'), { formula: '500*2', result: 1000 }],
  ['call me', 'Letters'],
  [5511987650010, 'Bad Email', 'not-an-email'],
  [5511987650011, 'Bad Consent', null, 'maybe'],
  [5511987650012, { text: 'Site Person', hyperlink: 'https://example.com/p' }, null, true, { formula: 'DATE(2024,2,1)+0.5', result: 45323.5 }],
];

/** The same data as Excel's "CSV UTF-8" export of that sheet. */
const SAME_AS_CSV = [
  'Phone,Name,Email,Consent,Consent time,Plan',
  '5511987654321,Ana Souza,ana@example.com,granted,2024-03-01T10:00:00Z,Fibre 500',
  '(11) 8765-4321,Ana S.,,,,',
  '',
  '11987650016,NATIONAL,,yes,2024-01-02,1000',
  'call me,Letters,,,,',
  '5511987650010,Bad Email,not-an-email,,,',
  '5511987650011,Bad Consent,,maybe,,',
  '5511987650012,Site Person,,TRUE,2024-02-01T12:00:00Z,',
].join('\n');

describe('Contact imports from Excel', function () {
  this.timeout(60_000);
  let t: TestEngine;
  let fromCsv: { tenant: TenantFixture; marketer: ApiClient };
  let fromXlsx: { tenant: TenantFixture; marketer: ApiClient };

  async function tenantWithMarketer(slug: string) {
    const tenant = await onboardTenant(t, slug);
    const marketer = (await addMember(t, tenant, `marketer@${slug}.test`, ['marketer'])).client;
    expect((await marketer.request('PUT', '/api/contacts/settings', { defaultCountry: 'BR' })).status).to.equal(200);
    await t.engine.services.customers.ensureFromInbound(tenant.id, { waId: '5511987650016', userId: null, name: 'Wrote In' });
    return { tenant, marketer };
  }

  before(async () => {
    t = await startTestEngine();
    fromCsv = await tenantWithMarketer('xlsx-csv');
    fromXlsx = await tenantWithMarketer('xlsx-xlsx');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const importsOf = async (marketer: ApiClient) => (await marketer.get<ContactImportView[]>('/api/contact-imports')).body.length;

  describe('reading cells', () => {
    it('writes numbers as the digits typed, without exponent or .0', () => {
      expect([5511987654321, 1e21, 1.5e22, 12, 12.5, 1e-7, -3].map((n) => cellText(n))).to.deep.equal(['5511987654321', '1000000000000000000000', '15000000000000000000000', '12', '12.5', '0.0000001', '-3']);
    });

    it('writes dates as ISO, formulas as their result, rich text and links as their text, errors as Excel shows them', () => {
      expect(cellText(new Date('2024-05-31T00:00:00Z'))).to.equal('2024-05-31');
      expect(cellText(new Date('2024-05-31T14:30:00Z'))).to.equal('2024-05-31T14:30:00Z');
      expect(cellText({ formula: 'A1*2', result: 4 })).to.equal('4');
      expect(cellText({ formula: 'NOW()' })).to.equal('');
      expect(cellText({ richText: [{ text: 'Ana ' }, { text: 'Souza' }] })).to.equal('Ana Souza');
      expect(cellText({ text: 'site', hyperlink: 'https://example.com' })).to.equal('site');
      expect(cellText({ error: '#N/A' })).to.equal('#N/A');
      expect(cellText('two\nlines')).to.equal('two lines');
      expect([null, undefined, false].map((v) => cellText(v))).to.deep.equal(['', '', 'FALSE']);
    });
  });

  describe('upload', () => {
    it('answers with the columns, a sample and the row count of the first visible sheet', async () => {
      const file = await workbook([
        { name: 'Notes', state: 'hidden', rows: [['not', 'this']] },
        { name: 'People', rows: [null, ['Phone', 'Name', null], [5511987650001, 'Ana'], null, [5511987650002, 'Bruno']] },
        { name: 'Other', rows: [['Ignored'], ['x']] },
      ]);
      const uploaded = await uploadCsv(fromXlsx.marketer, file, 'people.xlsx', XLSX_TYPE);
      expect(uploaded.status).to.equal(201);
      expect(uploaded.body).to.deep.include({ status: 'uploaded', fileName: 'people.xlsx', headers: ['Phone', 'Name'], rowCount: 2 });
      expect(uploaded.body.sample).to.deep.equal([['5511987650001', 'Ana'], ['5511987650002', 'Bruno']]);
    });

    it('goes by the file, not the Content-Type: an xlsx sent as text/csv is still read as a workbook', async () => {
      const uploaded = await uploadCsv(fromXlsx.marketer, await workbook([{ name: 'S', rows: [['phone'], [5511987650003]] }]), 'export.xlsx', 'text/csv');
      expect(uploaded.status).to.equal(201);
      expect(uploaded.body.sample).to.deep.equal([['5511987650003']]);
    });

    const good = workbook([{ name: 'S', rows: [['phone', 'name'], [5511987650001, 'Ana']] }]);
    const refusals: [string, () => Promise<Buffer | string>, RegExp, number | null][] = [
      ['a damaged zip', async () => (await good).subarray(0, 300), /damaged or incomplete/, null],
      ['a zip that is not a workbook', async () => Buffer.from('PK\u0003\u0004 and then nothing a zip holds'), /not a valid Excel workbook/, null],
      ['a workbook without a worksheet', () => workbook([]), /no worksheet/, null],
      ['an empty first worksheet', () => workbook([{ name: 'Empty', rows: [] }, { name: 'S', rows: [['phone'], [1]] }]), /worksheet is empty/, null],
      ['a header row without rows below', () => workbook([{ name: 'S', rows: [null, ['phone', 'name']] }]), /no rows below/, 3],
      ['a repeated column', () => workbook([{ name: 'S', rows: [['phone', 'phone'], [1, 2]] }]), /appears twice/, 1],
      ['a workbook with a password', async () => oleFile(['EncryptionInfo', 'EncryptedPackage']), /protected by a password/, null],
      ['an Excel 97-2003 file', async () => oleFile(['Workbook']), /\.xls/, null],
      ['a CSV said to be xlsx', async () => 'phone\n+5511987650001\n', /not an Excel workbook/, null],
    ];
    for (const [what, file, message, line] of refusals) {
      it(`refuses ${what} with 400 in plain words, and creates no import`, async () => {
        const before = await importsOf(fromXlsx.marketer);
        const result = await uploadCsv(fromXlsx.marketer, await file(), 'contacts.xlsx', XLSX_TYPE);
        const reply = result.body as unknown as ErrorReply;
        expect(result.status).to.equal(400);
        expect(reply.error.code).to.equal('VALIDATION_FAILED');
        expect(reply.error.message).to.match(message);
        expect(reply.error.details?.line ?? null).to.equal(line);
        expect(await importsOf(fromXlsx.marketer)).to.equal(before);
      });
    }

    it('refuses a file over 20 MB with 413, like a CSV', async () => {
      const big = Buffer.concat([(await good).subarray(0, 4), Buffer.alloc(21 * 1024 * 1024, 1)]);
      const result = await uploadCsv(fromXlsx.marketer, big, 'big.xlsx', XLSX_TYPE);
      expect(result.status).to.equal(413);
      expect((result.body as unknown as ErrorReply).error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('refuses a sheet whose text is over the limit with 413, however well it compresses', async () => {
      const rows = Array.from({ length: 200 }, (_, i) => [5511987650000 + i, 'x'.repeat(100)]);
      const file = await workbook([{ name: 'S', rows: [['phone', 'name'], ...rows] }]);
      const refused = await readXlsxUpload(file, { ...LIMITS, maxBytes: 10_000 }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).to.have.property('code', 'PAYLOAD_TOO_LARGE');
      expect(refused).to.have.property('message').that.matches(/text of the first worksheet/);
      expect((await readXlsxUpload(file, { ...LIMITS, maxBytes: 100_000 })).rowCount).to.equal(200);
    });

    it('refuses a workbook that unpacks to far more than the limit before unpacking it', async () => {
      const file = await workbook([{ name: 'S', rows: [['phone', 'note'], ...Array.from({ length: 500 }, (_, i) => [5511987650000 + i, `${'y'.repeat(200)} ${i}`])] }]);
      expect(unpackedSize(file)).to.be.above(100_000);
      const refused = await readXlsxUpload(file, { ...LIMITS, xlsx: { ...LIMITS.xlsx, maxUnpackedBytes: 100_000 } }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).to.have.property('code', 'PAYLOAD_TOO_LARGE');
      expect(refused).to.have.property('message').that.matches(/unpacked/);
    });
  });

  describe('run', () => {
    let csvReport: ImportReport;
    let xlsxReport: ImportReport;

    before(async () => {
      csvReport = await importCsv(fromCsv.marketer, SAME_AS_CSV, RUN);
      xlsxReport = await importCsv(fromXlsx.marketer, await workbook([{ name: 'Contacts', rows: SHEET, dateColumns: [5] }]), RUN, { name: 'contacts.xlsx', type: XLSX_TYPE });
    });

    it('counts created, updated, merged and rejected rows exactly as the same data in CSV', () => {
      expect(xlsxReport.import.counts).to.deep.equal({ created: 2, updated: 1, merged: 1, rejected: 3, consentKept: 0 });
      expect(xlsxReport.import.counts).to.deep.equal(csvReport.import.counts);
      expect(xlsxReport.import.rowCount).to.equal(7);
    });

    it("rejects the same rows for the same reasons, each under its row number in Excel", () => {
      expect(xlsxReport.rejections).to.deep.equal([
        { row: 6, value: 'call me', reason: 'the phone number has letters or symbols' },
        { row: 7, value: 'not-an-email', reason: 'not a valid email address' },
        { row: 8, value: 'maybe', reason: 'consent must be granted, revoked or unknown (yes/no, opt-in/opt-out are understood)' },
      ]);
      expect(xlsxReport.rejections).to.deep.equal(csvReport.rejections);
    });

    it('imports the same people, with the consent time of the date cell as evidence', async () => {
      const people = async (marketer: ApiClient) =>
        (await marketer.get<ContactPage>('/api/contacts?limit=50')).body.items
          .map(({ phone, name, email, tags, attributes, marketingConsent }) => ({ phone, name, email, tags: [...tags].sort(), attributes, marketingConsent }))
          .sort((x, y) => String(x.phone).localeCompare(String(y.phone)));
      const imported = await people(fromXlsx.marketer);
      expect(imported).to.deep.equal(await people(fromCsv.marketer));
      expect(imported.find((p) => p.phone === '+5511987654321')).to.deep.include({ name: 'Ana S.', email: 'ana@example.com', marketingConsent: 'granted' });
      expect(imported.find((p) => p.phone === '+5511987650016')).to.deep.include({ name: 'NATIONAL', attributes: { plan: '1000' } });
      expect(imported.find((p) => p.phone === '+5511987650012')).to.deep.include({ name: 'Site Person', marketingConsent: 'granted' });
      const ana = imported.find((p) => p.phone === '+5511987654321');
      expect(ana).to.not.equal(undefined);
      const evidenceOf = async (phone: string) => {
        const page = await fromXlsx.marketer.get<ContactPage>(`/api/contacts?q=${encodeURIComponent(phone)}`);
        return (await fromXlsx.marketer.get<ContactDetail>(`/api/contacts/${page.body.items[0]?.id}`)).body.consentHistory[0]?.evidence;
      };
      expect(await evidenceOf('+5511987654321')).to.deep.include({ fileName: 'contacts.xlsx', row: 2, consentedAt: '2024-03-01T10:00:00.000Z' });
      // A formula's result shown as a date is a date too.
      expect(await evidenceOf('+5511987650012')).to.deep.include({ row: 9, consentedAt: '2024-02-01T12:00:00.000Z' });
    });

    it('names the rejected rows file after the workbook', async () => {
      const response = await fetch(`${t.url}/api/contact-imports/${xlsxReport.import.id}/rejections.csv`, { headers: { cookie: fromXlsx.marketer.sessionCookie ?? '' } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-disposition')).to.contain('contacts-rejected.csv');
    });

    it('is refused to a care agent, like a CSV', async () => {
      const care = (await addMember(t, fromXlsx.tenant, 'care@xlsx-xlsx.test', ['care_agent'])).client;
      const result = await uploadCsv(care, await workbook([{ name: 'S', rows: [['phone'], [5511987650001]] }]), 'c.xlsx', XLSX_TYPE);
      expect(result.status).to.equal(403);
    });
  });
});

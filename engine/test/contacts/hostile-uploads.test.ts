import { expect } from 'chai';
import fc from 'fast-check';
import type { ContactImportView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { uploadCsv, XLSX_TYPE } from './import-client.js';
import { bombEntry, sheetXml, workbookParts, zipOf } from './zips.js';

type Reply = { status: number; body: { error?: { code: string; message: string; details?: { fields?: { field: string }[] } } } };
const UPLOAD_CODES = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'FILE_TOO_COMPLEX'];

describe('Hostile contact files and filters through the API', function () {
  this.timeout(120_000);
  let t: TestEngine;
  let marketer: ApiClient;
  const imports = async () => (await marketer.get<ContactImportView[]>('/api/contact-imports')).body.length;

  before(async () => {
    t = await startTestEngine({ CONTACT_IMPORT_MAX_COLUMNS: '50' });
    const tenant = await onboardTenant(t, 'hostile-files');
    marketer = (await addMember(t, tenant, 'marketer@hostile-files.test', ['marketer'])).client;
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('refuses a 1 MB zip bomb with 413 and stores nothing', async () => {
    const before = await imports();
    const bomb = zipOf([...workbookParts(sheetXml([['phone'], ['5511987650001']])), bombEntry('xl/media/image1.png', 1024)]);
    const result = await uploadCsv(marketer, bomb, 'bomb.xlsx', XLSX_TYPE);
    expect(result.status).to.equal(413);
    expect(result.body.error?.code).to.equal('PAYLOAD_TOO_LARGE');
    expect(await imports()).to.equal(before);
  });

  it('refuses a header of more columns than CONTACT_IMPORT_MAX_COLUMNS with 422 FILE_TOO_COMPLEX', async () => {
    const header = Array.from({ length: 51 }, (_, i) => `c${i}`).join(',');
    const result = await uploadCsv(marketer, `${header}\n${'1,'.repeat(50)}1\n`);
    expect(result.status).to.equal(422);
    expect(result.body.error).to.deep.include({ code: 'FILE_TOO_COMPLEX', message: 'A row has 51 cells: a file may have at most 50 columns (line 1)' });
  });

  it('refuses a 17 MB cell with 422 before storing anything, where the import record could not be stored (a 500 after its chunks were written)', async () => {
    const before = await imports();
    const result = await uploadCsv(marketer, `phone,note\n5511987650001,${'n'.repeat(17 * 1024 * 1024)}\n`);
    expect(result.status).to.equal(422);
    expect(result.body.error?.code).to.equal('FILE_TOO_COMPLEX');
    expect(await imports()).to.equal(before);
  });

  it('refuses a column name longer than a mapping can name with 400', async () => {
    const result = await uploadCsv(marketer, `phone,${'h'.repeat(201)}\n5511987650001,x\n`);
    expect(result.status).to.equal(400);
    expect(result.body.error?.message).to.match(/column name is longer than 200 characters/);
  });

  it('answers any uploaded bytes with 201 or a 4xx of the reader, never a 500', async () => {
    const csvish = fc
      .array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('"', ',', ';', '\n', '\r\n', '\uFEFF', 'phone', '+5511987650001')), { maxLength: 30 })
      .map((parts) => Buffer.from(parts.join('')));
    const bytes = fc.oneof(csvish, fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)));
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('text/csv', XLSX_TYPE, 'application/octet-stream'), async (body, type) => {
        const result = (await uploadCsv(marketer, body, 'fuzz.csv', type)) as Reply;
        if (result.status === 201) return;
        expect(result.status, JSON.stringify(result.body)).to.be.within(400, 499);
        expect(UPLOAD_CODES).to.include(result.body.error?.code);
      }),
      { numRuns: 25 },
    );
  });

  it('answers any segment filter with a count or 400 VALIDATION_FAILED naming the field, never a 500', async () => {
    const condition = fc.record(
      { field: fc.constantFrom('tag', 'consent', 'country', 'attribute', '$where'), op: fc.constantFrom('has', 'is', 'contains', 'exists', '$regex'), value: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })), key: fc.string({ maxLength: 10 }) },
      { requiredKeys: ['field', 'op'] },
    );
    const filter = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ match: fc.constantFrom('all', 'any', 'none'), conditions: fc.array(condition, { maxLength: 22 }) }));
    await fc.assert(
      fc.asyncProperty(filter, async (input) => {
        const result = (await marketer.post('/api/segments/preview', { filter: input })) as Reply;
        if (result.status === 200) return;
        expect(result.status, JSON.stringify(result.body)).to.equal(400);
        expect(result.body.error?.code).to.equal('VALIDATION_FAILED');
        expect(result.body.error?.details?.fields?.[0]?.field).to.match(/^body\.filter/);
      }),
      { numRuns: 40 },
    );
  });
});

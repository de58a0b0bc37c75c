import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expect } from 'chai';
import { readXlsxUpload, unpackedSize } from '../../src/domains/contacts/xlsx-read.js';
import type { UploadLimits } from '../../src/domains/contacts/upload-limits.js';
import { LIMITS, bombEntry, entry, sheetXml, workbookParts, zipOf } from './zips.js';

const HEADER_AND_ROW = [['phone', 'name'], ['5511987650001', 'Ana']];

async function refusal(file: Buffer, limits: UploadLimits = LIMITS): Promise<{ code: string; message: string }> {
  return readXlsxUpload(file, limits).then(
    (read) => expect.fail(`the workbook was read: ${read.rowCount} rows`),
    (error: unknown) => error as { code: string; message: string },
  );
}

/** A workbook whose sheet is `sheet` and whose other parts are the smallest exceljs reads. */
function withSheet(sheet: string, ...more: ReturnType<typeof entry>[]): Buffer {
  return zipOf([...workbookParts(sheet), ...more]);
}

describe('Hostile workbooks (readXlsxUpload)', function () {
  this.timeout(30_000);

  it('reads the hand-written workbook these cases are made from', async () => {
    const read = await readXlsxUpload(withSheet(sheetXml(HEADER_AND_ROW)), LIMITS);
    expect(read).to.deep.include({ headers: ['phone', 'name'], rowCount: 1 });
  });

  describe('zip bombs: the sizes a zip declares are not trusted', () => {
    it('refuses an entry that declares 1 KB and inflates to 1 GB, counting what really comes out, with the loop free', async () => {
      const file = withSheet(sheetXml(HEADER_AND_ROW), bombEntry('xl/media/image1.png', 1024));
      expect(file.length).to.be.below(2 * 1024 * 1024);
      expect(unpackedSize(file)).to.be.below(10_000);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const started = Date.now();
      const refused = await refusal(file);
      loop.disable();
      expect(refused.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(refused.message).to.match(/unpacked, is larger than 200 MB/);
      // It stops at the cap: 200 MB inflated, not 1 GB (which took 4.5 s on this machine before).
      expect(Date.now() - started).to.be.below(3_000);
      expect(loop.max / 1e6).to.be.below(200);
    });

    it('refuses a worksheet that inflates past the cap before exceljs writes it to a temporary file', async () => {
      const parts = workbookParts(sheetXml(HEADER_AND_ROW)).filter((e) => !e.name.includes('worksheets'));
      const refused = await refusal(zipOf([...parts, bombEntry('xl/worksheets/sheet1.xml', 20)]), { ...LIMITS, xlsx: { ...LIMITS.xlsx, maxUnpackedBytes: 10 * 1024 * 1024 } });
      expect(refused.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('refuses shared strings past the part cap, since exceljs holds them whole in memory', async () => {
      const refused = await refusal(withSheet(sheetXml(HEADER_AND_ROW), bombEntry('xl/sharedStrings.xml', 3)), { ...LIMITS, xlsx: { ...LIMITS.xlsx, maxPartBytes: 2 * 1024 * 1024 } });
      expect(refused.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(refused.message).to.match(/sharedStrings\.xml/);
    });
  });

  describe('damaged parts', () => {
    const broken = (name: string, deflated: (real: Buffer) => Buffer) =>
      zipOf(workbookParts(sheetXml(HEADER_AND_ROW)).map((e) => (e.name === name ? { ...e, deflated: deflated(e.deflated) } : e)));
    const cases: [string, Buffer][] = [
      ['a worksheet whose deflate stream is cut short', broken('xl/worksheets/sheet1.xml', (real) => real.subarray(0, 20))],
      ['a worksheet whose deflate stream is garbage', broken('xl/worksheets/sheet1.xml', (real) => Buffer.alloc(real.length, 0xff))],
      ['a workbook part that does not inflate', broken('xl/workbook.xml', (real) => Buffer.alloc(real.length, 0xff))],
      ['relationships that do not inflate', broken('xl/_rels/workbook.xml.rels', (real) => Buffer.alloc(real.length, 0xff))],
    ];
    for (const [what, file] of cases) {
      // exceljs waited for ever on these: the upload never answered and kept its buffer.
      it(`answers ${what} with 400 at once, instead of waiting for ever`, async () => {
        const refused = await Promise.race([refusal(file), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000))]);
        expect(refused.code).to.equal('VALIDATION_FAILED');
        expect(refused.message).to.match(/damaged or incomplete/);
      });
    }
  });

  describe('structure', () => {
    it('refuses a zip of more entries than XLSX_MAX_ENTRIES, without reading them all', async () => {
      const many = Array.from({ length: 600 }, (_, i) => entry(`xl/media/image${i}.png`, 'x'));
      const refused = await refusal(withSheet(sheetXml(HEADER_AND_ROW), ...many));
      expect(refused).to.deep.include({ code: 'FILE_TOO_COMPLEX', message: 'The workbook holds more than 500 files' });
    });

    it('refuses XML nested deeper than any workbook, before a parser keeps a frame per level', async () => {
      const refused = await refusal(withSheet(sheetXml(HEADER_AND_ROW, '<x>'.repeat(100_000))));
      expect(refused.code).to.equal('FILE_TOO_COMPLEX');
      expect(refused.message).to.match(/sheet1\.xml" of the workbook nests its elements more than 64 deep/);
    });

    it('refuses a cell in column XFD without visiting the 16,383 empty ones before it', async () => {
      const sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="XFD2" t="inlineStr"><is><t>1</t></is></c></row></sheetData></worksheet>';
      const refused = await refusal(withSheet(sheet));
      expect(refused).to.deep.include({ code: 'FILE_TOO_COMPLEX', message: 'A row has a cell in column 16384: a file may have at most 200 columns (line 2)' });
    });

    it('refuses a forged row number instead of writing that many blank lines', async () => {
      const sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="500000000"><c r="A500000000" t="inlineStr"><is><t>1</t></is></c></row></sheetData></worksheet>';
      const refused = await refusal(withSheet(sheet));
      expect(refused.code).to.equal('VALIDATION_FAILED');
      expect(refused.message).to.match(/numbered 500000000/);
    });

    it('refuses a gap of blank rows that would pass the text limit, before making it', async () => {
      const sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="1000000"><c r="A1000000" t="inlineStr"><is><t>1</t></is></c></row></sheetData></worksheet>';
      const refused = await refusal(withSheet(sheet), { ...LIMITS, maxBytes: 100_000 });
      expect(refused.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('refuses a cell longer than CONTACT_IMPORT_MAX_CELL_CHARS and more rows than CONTACT_IMPORT_MAX_ROWS', async () => {
      expect(await refusal(withSheet(sheetXml([['phone'], ['x'.repeat(101)]])), { ...LIMITS, maxCellChars: 100 })).to.deep.include({
        code: 'FILE_TOO_COMPLEX',
        message: 'A cell is longer than 100 characters (line 2)',
      });
      const rows = [['phone'], ...Array.from({ length: 4 }, (_, i) => [`55119876500${i}`])];
      expect((await refusal(withSheet(sheetXml(rows)), { ...LIMITS, maxRows: 3 })).code).to.equal('FILE_TOO_COMPLEX');
    });

    it('cuts long cells in the stored sample, so the import record stays small', async () => {
      const read = await readXlsxUpload(withSheet(sheetXml([['phone', 'note'], ['5511987650001', 'n'.repeat(30_000)]])), LIMITS);
      expect(read.sample[0]?.[1]).to.have.length(200);
      expect(read.text).to.include('n'.repeat(30_000));
    });
  });
});

import { Readable } from 'node:stream';
import { expect } from 'chai';
import fc from 'fast-check';
import { AppError } from '../../src/platform/errors/app-error.js';
import { readUpload } from '../../src/domains/contacts/upload-read.js';
import { readXlsxUpload } from '../../src/domains/contacts/xlsx-read.js';
import { SAMPLE_CELL_CHARS, type UploadLimits } from '../../src/domains/contacts/upload-limits.js';
import type { CsvUpload } from '../../src/domains/contacts/csv-read.js';
import { workbook } from './workbooks.js';
import { LIMITS } from './zips.js';

/** Small limits, so that random files reach every bound within a few runs. */
const SMALL: UploadLimits = { maxBytes: 200_000, maxColumns: 6, maxRows: 25, maxCellChars: 5_000, xlsx: { maxUnpackedBytes: 2_000_000, maxEntries: 40, maxPartBytes: 500_000 } };
/** What a file's reader may answer with: its own refusals, each a 4xx. */
const READER_CODES = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'FILE_TOO_COMPLEX'];

type Outcome = { read: CsvUpload } | { refused: AppError };

/** The bytes as an upload arrives, cut into chunks at random places (characters and quotes split across them). */
async function upload(bytes: Uint8Array, cuts: number[], limits = SMALL, contentType = 'text/csv'): Promise<Outcome> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks = [0, ...points, bytes.length].slice(1).map((end, i, ends) => Buffer.from(bytes.subarray(i === 0 ? 0 : (ends[i - 1] ?? 0), end)));
  try {
    return { read: await readUpload(Readable.from(chunks.filter((c) => c.length > 0)), contentType, limits) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { refused: error };
  }
}

/** What holds for every answer: a refusal is the reader's own 4xx; a file read is within every bound. */
function expectBounded(outcome: Outcome, limits = SMALL): void {
  if ('refused' in outcome) {
    expect(READER_CODES).to.include(outcome.refused.code);
    expect(outcome.refused.status).to.be.within(400, 499);
    return;
  }
  const { read } = outcome;
  expect(read.headers.length).to.be.within(1, limits.maxColumns);
  expect(read.rowCount).to.be.within(1, limits.maxRows);
  expect(read.text.length).to.be.at.most(limits.maxBytes * 2);
  for (const row of read.sample) for (const cell of row) expect(cell.length).to.be.at.most(SAMPLE_CELL_CHARS);
}

const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];
const cell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('"', '""', '"a,b"', '"open', 'in"side', '\r', '\n', '\r\n', ';', '\t', '=1+1', '+5511987650001', '\uFEFF', '\u0000'),
  fc.string({ maxLength: 12 }).map((s) => `"${s.replaceAll('"', '""')}"`),
  fc.integer({ min: 1, max: 8 }).map((k) => 'x'.repeat(k * 1_000)),
);
const line = fc.tuple(fc.array(cell, { maxLength: 9 }), fc.constantFrom(',', ';', '\t')).map(([cells, d]) => cells.join(d));
const csvFile = fc
  .tuple(fc.constantFrom(...BOMS), fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r', '')), { maxLength: 40 }), fc.constantFrom('utf8' as const, 'utf16le' as const))
  .map(([bom, lines, encoding]) => new Uint8Array([...bom, ...Buffer.from(lines.map(([l, eol]) => l + eol).join(''), encoding)]));
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('Contact file readers on hostile input (properties)', function () {
  this.timeout(60_000);

  it('answers any bytes with a read file within the bounds or its own 4xx, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3_000 }), cuts, async (bytes, at) => expectBounded(await upload(bytes, at))),
      { numRuns: 150 },
    );
  });

  it('answers CSV of random quoting, delimiters, BOMs (UTF-8 and UTF-16), CR/LF mixes and enormous cells the same way', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, cuts, async (bytes, at) => expectBounded(await upload(bytes, at))),
      { numRuns: 150 },
    );
  });

  it('refuses an enormous row or a file past the byte limit with its own 4xx', async () => {
    const wide = fc.integer({ min: 7, max: 5_000 }).map((n) => Buffer.from(`phone\n${'1,'.repeat(n)}1\n`));
    const long = fc.integer({ min: 5_001, max: 150_000 }).map((n) => Buffer.from(`phone,name\n1,"${'y'.repeat(n)}"\n`));
    const big = fc.integer({ min: 200_001, max: 400_000 }).map((n) => Buffer.from(`phone\n${'5'.repeat(n)}\n`));
    await fc.assert(
      fc.asyncProperty(fc.oneof(wide, long, big), cuts, async (bytes, at) => {
        const outcome = await upload(bytes, at);
        expectBounded(outcome);
        expect(outcome).to.have.property('refused');
      }),
      { numRuns: 30 },
    );
  });

  it('answers random bytes behind a zip signature, and mutated workbooks, with a read file or its own 4xx', async () => {
    const good = await workbook([{ name: 'S', rows: [['phone', 'name'], [5511987650001, 'Ana'], [5511987650002, 'Bruno']] }]);
    const junk = fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), b]));
    const flipped = fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const copy = Buffer.from(good);
      for (const [at, value] of flips) copy[at] = value;
      return copy;
    });
    const cut = fc.nat(good.length).map((end) => good.subarray(0, Math.max(4, end)));
    const spliced = fc.tuple(fc.nat(good.length), fc.nat(good.length)).map(([a, b]) => Buffer.concat([good.subarray(0, a), good.subarray(b)]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(junk, flipped, cut, spliced), async (file) => {
        const outcome = await readXlsxUpload(file, LIMITS).then(
          (read): Outcome => ({ read }),
          (error: unknown): Outcome => {
            if (!(error instanceof AppError)) throw error;
            return { refused: error };
          },
        );
        expectBounded(outcome, LIMITS);
      }),
      { numRuns: 120 },
    );
  });
});

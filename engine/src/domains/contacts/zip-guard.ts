import { Readable } from 'node:stream';
import unzipper, { type Entry } from 'unzipper';
import { tooLarge } from './csv-read.js';
import { tooComplex, type XlsxLimits } from './upload-limits.js';
import { XmlNesting } from './xml-nesting.js';

/** SpreadsheetML nests a dozen levels at most; past this a part is built to exhaust the parser. */
export const MAX_XML_NESTING = 64;

/** The parts exceljs's streaming reader parses and keeps whole, named as its reader names them. */
const HELD_WHOLE = new Set(['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml']);
/** exceljs matches these without anchors: so must this, or a renamed part would slip past. */
const SHEET = /xl\/worksheets\/sheet\d+[.]xml/;
const SHEET_RELS = /xl\/worksheets\/_rels\/sheet\d+[.]xml.rels/;

type Part = 'held' | 'sheet' | 'other';

/** In the order of exceljs's own `switch`: exact names first, then the patterns. */
function partOf(path: string): Part {
  if (HELD_WHOLE.has(path)) return 'held';
  if (SHEET.test(path)) return 'sheet';
  if (SHEET_RELS.test(path)) return 'held';
  return 'other';
}

/** An entry's name is the sender's text: shown short and printable. */
function shown(path: string): string {
  return JSON.stringify(path.slice(0, 80));
}

async function checkEntry(entry: Entry, limits: XlsxLimits, unpacked: { bytes: number }): Promise<void> {
  const part = partOf(entry.path);
  const nesting = part === 'other' ? null : new XmlNesting();
  let bytes = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    unpacked.bytes += chunk.length;
    if (unpacked.bytes > limits.maxUnpackedBytes) throw tooLarge('The workbook, unpacked,', limits.maxUnpackedBytes);
    if (part === 'held' && bytes > limits.maxPartBytes) throw tooLarge(`The part ${shown(entry.path)} of the workbook, unpacked,`, limits.maxPartBytes);
    nesting?.feed(chunk);
    if (nesting && nesting.deepest > MAX_XML_NESTING) throw tooComplex(`The part ${shown(entry.path)} of the workbook nests its elements more than ${MAX_XML_NESTING} deep`);
  }
}

/**
 * Inflates every entry of an .xlsx once, with the parser exceljs then reads it with (unzipper,
 * which goes by the local headers as the bytes stream), counting the bytes that really come out
 * and stopping at the first bound passed. The sizes a zip declares are the sender's word: a zip
 * bomb declares a few kilobytes and inflates to gigabytes. Inflating runs on zlib's threads in
 * chunks of 16 KB, so the event loop is never held for long; the whole check costs what reading
 * the workbook costs, and it stops at the cap. Throws the reader's own AppError for a bound, and
 * unzipper's error for a damaged zip.
 */
export async function checkZip(file: Buffer, limits: XlsxLimits): Promise<void> {
  const zip = unzipper.Parse({ forceStream: true });
  const state: { current: Entry | null } = { current: null };
  // unzipper reports a broken or cut zip as an 'error' on the zip, while the walk waits on an
  // entry that will never end: the error ends the walk (or each upload of such a file would hang
  // for ever). It may come after the walk stopped early too, and must not go unhandled then.
  const broken = new Promise<never>((_, reject) => {
    zip.on('error', reject);
  });
  Readable.from([file]).pipe(zip);
  const walk = walkEntries(zip, limits, state);
  try {
    await Promise.race([walk, broken]);
  } finally {
    zip.destroy();
    state.current?.destroy();
    walk.catch(() => undefined);
    broken.catch(() => undefined);
  }
}

async function walkEntries(zip: AsyncIterable<Entry>, limits: XlsxLimits, state: { current: Entry | null }): Promise<void> {
  const unpacked = { bytes: 0 };
  let entries = 0;
  for await (const entry of zip) {
    entries += 1;
    if (entries > limits.maxEntries) throw tooComplex(`The workbook holds more than ${limits.maxEntries} files`);
    state.current = entry;
    await checkEntry(entry, limits, unpacked);
    state.current = null;
  }
}

import { Readable } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { AppError } from '../../platform/errors/app-error.js';
import { MAX_HEADER_CHARS, SAMPLE_CELL_CHARS, tooComplex, type UploadLimits } from './upload-limits.js';

const SAMPLE_ROWS = 5;

export interface CsvUpload {
  /** The file as UTF-8 text (a byte order mark removed), kept for the run. */
  text: string;
  delimiter: string;
  headers: string[];
  sample: string[][];
  rowCount: number;
  bytes: number;
}

export interface CsvRow {
  /** Line of the file where the record ends (the header is line 1). */
  line: number;
  cells: string[];
}

export function badFile(message: string, line: number | null): AppError {
  const where = line === null ? '' : ` (line ${line})`;
  return new AppError('VALIDATION_FAILED', `${message}${where}`, { fields: [{ field: 'body', message: `${message}${where}` }], line });
}

/**
 * Excel writes `;` where the comma is the decimal separator (Brazil, most of Europe) and tabs
 * for "Unicode text": the delimiter is the one of those most frequent in the header line.
 */
export function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0] && counts[0].n > 0 ? counts[0].d : ',';
}

function describeParseError(error: unknown, lastGoodLine: number): AppError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const line = typeof error === 'object' && error !== null && 'lines' in error ? Number((error as { lines: unknown }).lines) : null;
  if (code === 'CSV_QUOTE_NOT_CLOSED') return badFile('A quoted cell is never closed: a " is missing', lastGoodLine + 1);
  if (code === 'INVALID_OPENING_QUOTE' || code === 'CSV_INVALID_CLOSING_QUOTE') return badFile('A " appears inside a cell that is not quoted; double it ("") or quote the whole cell', line);
  return badFile(`The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`, line);
}

export function tooLarge(subject: string, maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `${subject} is larger than ${maxBytes / 1024 / 1024} MB: split it into smaller files`);
}

/** The header names the columns, each once and each short enough to map; `line` is where it is in the file. */
export function checkHeaders(headers: string[], line: number, limits: Pick<UploadLimits, 'maxColumns'>): void {
  if (headers.every((h) => h === '')) throw badFile('The first line must name the columns', line);
  if (headers.length > limits.maxColumns) throw tooComplex(`The header names ${headers.length} columns: a file may have at most ${limits.maxColumns}`, line);
  const seen = new Set<string>();
  for (const header of headers) {
    if (header.length > MAX_HEADER_CHARS) throw badFile(`A column name is longer than ${MAX_HEADER_CHARS} characters`, line);
    if (header !== '' && seen.has(header)) throw badFile(`The column "${header}" appears twice in the header`, line);
    seen.add(header);
  }
}

/** A row as the preview shows it: long cells cut, so the stored import stays small whatever the file holds. */
export function sampleRow(cells: string[]): string[] {
  return cells.map((cell) => (cell.length > SAMPLE_CELL_CHARS ? `${cell.slice(0, SAMPLE_CELL_CHARS - 1)}…` : cell));
}

/** Why a record is past the limits, or null. */
function recordRefusal(record: string[], line: number, limits: UploadLimits): AppError | null {
  if (record.length > limits.maxColumns) return tooComplex(`A row has ${record.length} cells: a file may have at most ${limits.maxColumns} columns`, line);
  if (record.some((cell) => cell.length > limits.maxCellChars)) return tooComplex(`A cell is longer than ${limits.maxCellChars} characters`, line);
  return null;
}

/**
 * Reads an upload as it arrives: bytes are counted against the limit, decoded as strict UTF-8
 * (a Latin-1 or UTF-16 file is refused with the line where it stops being UTF-8, rather than
 * imported as mojibake), and parsed by csv-parse to prove the whole file is well-formed before
 * anything is stored.
 */
export async function readCsvUpload(body: Readable, limits: UploadLimits): Promise<CsvUpload> {
  const { maxBytes } = limits;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const parts: string[] = [];
  let bytes = 0;
  let lines = 1;
  let parser: Parser | null = null;
  let headers: string[] | null = null;
  const sample: string[][] = [];
  let rowCount = 0;
  let lastGoodLine = 0;
  let failure: AppError | null = null;
  let parsed: Promise<void> = Promise.resolve();

  const startParser = (text: string) => {
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const p = parse({ delimiter: detectDelimiter(firstLine), relax_column_count: true, skip_empty_lines: true, info: true });
    p.on('data', ({ record, info }: { record: string[]; info: { lines: number } }) => {
      if (failure) return;
      lastGoodLine = info.lines;
      failure = recordRefusal(record, info.lines, limits);
      if (!headers) {
        headers = record.map((h) => h.trim());
        return;
      }
      rowCount += 1;
      if (rowCount > limits.maxRows) failure = tooComplex(`The file has more than ${limits.maxRows} rows: split it into smaller files`, info.lines);
      if (sample.length < SAMPLE_ROWS) sample.push(sampleRow(record));
    });
    parsed = new Promise((resolve) => {
      p.on('end', resolve);
      p.on('error', (error) => {
        failure ??= describeParseError(error, lastGoodLine);
        resolve();
      });
    });
    return p;
  };

  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) {
      failure ??= tooLarge('The file', maxBytes);
      // Keep reading (and discarding) so the client gets the answer instead of a reset
      // connection; a client that goes on far past the limit is cut off.
      if (bytes > maxBytes * 4) body.destroy();
      continue;
    }
    if (failure) continue;
    let text: string;
    try {
      text = decoder.decode(buffer, { stream: true });
    } catch {
      failure = badFile('The file is not UTF-8 text: save it as "CSV UTF-8"', lines + countLines(decodeUntilInvalid(buffer)));
      continue;
    }
    lines += countLines(text);
    parts.push(text);
    parser ??= startParser(text);
    parser.write(text);
  }
  if (failure) throw failure;
  try {
    const tail = decoder.decode();
    if (tail) {
      parts.push(tail);
      parser?.write(tail);
    }
  } catch {
    throw badFile('The file is not UTF-8 text: it ends in the middle of a character', lines);
  }
  parser?.end();
  await parsed;
  if (failure) throw failure;
  const finalHeaders: string[] | null = headers;
  if (!finalHeaders || bytes === 0) throw badFile('The file is empty', null);
  checkHeaders(finalHeaders, 1, limits);
  if (rowCount === 0) throw badFile('The file has a header but no rows', 2);
  const delimiter = detectDelimiter((parts[0] ?? '').split(/\r?\n/, 1)[0] ?? '');
  return { text: parts.join(''), delimiter, headers: finalHeaders, sample, rowCount, bytes };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** The valid UTF-8 prefix of a chunk, to say on which line the bad byte is. */
function decodeUntilInvalid(buffer: Buffer): string {
  return new TextDecoder('utf-8').decode(buffer).split('\uFFFD', 1)[0] ?? '';
}

/**
 * The stored file again as rows, the header left out, a slice of rows at a time as the parser
 * reads them, each row with the line it ends on. It was validated at upload.
 */
export async function* readCsvRows(texts: Iterable<string>, delimiter: string, rowsPerSlice: number): AsyncGenerator<CsvRow[]> {
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: true, info: true });
  Readable.from(texts).pipe(parser);
  let header = true;
  let slice: CsvRow[] = [];
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (header) {
      header = false;
      continue;
    }
    slice.push({ line: info.lines, cells: record });
    if (slice.length === rowsPerSlice) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length > 0) yield slice;
}

import { Readable } from 'node:stream';
import ExcelJS, { type CellValue, type Row } from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { AppError } from '../../platform/errors/app-error.js';
import { badFile, checkHeaders, sampleRow, tooLarge, type CsvUpload } from './csv-read.js';
import { tooComplex, type UploadLimits } from './upload-limits.js';
import { checkZip } from './zip-guard.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SAMPLE_ROWS = 5;
/** Excel's last row: a row number past it is a forged sheet, and would be a run of that many blank lines. */
const MAX_SHEET_ROW = 1_048_576;
const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const DIRECTORY_ENTRY = 0x02014b50;

/** What the first bytes say a file is: an xlsx is a zip; Excel wraps an encrypted one (and an old .xls) in OLE. */
export function spreadsheetKind(head: Buffer): 'zip' | 'ole' | null {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'zip';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole';
  return null;
}

/**
 * Excel saves a workbook with a password as an OLE compound file holding an `EncryptedPackage`
 * stream (MS-OFFCRYPTO); any other OLE file is an Excel 97-2003 .xls.
 */
export function refuseOle(file: Buffer): AppError {
  if (file.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
    return badFile('The workbook is protected by a password: remove the password in Excel (File > Info > Protect Workbook), save it and upload it again', null);
  }
  return badFile('This is an Excel 97-2003 (.xls) file: save it as an Excel workbook (.xlsx) or as CSV UTF-8', null);
}

const workbookModel = z.object({ sheets: z.array(z.object({ id: z.coerce.number(), state: z.string().optional() })).default([]) });
const sheetId = z.object({ id: z.coerce.number() });

/** Digits as a person typed them: Excel keeps phone numbers as doubles, and String() gives 5.5e+21 past 21 digits. */
export function plainNumber(n: number): string {
  const text = String(n);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  const digits = int + frac;
  const point = int.length + Number(exp);
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Excel dates carry no zone: a day stays a day, a time is written as UTC, which is how the import reads a zone-less time. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/**
 * The cell as the CSV path would have read it from Excel's own CSV export: formulas by their
 * cached result, rich text and hyperlinks by their text. Line breaks inside a cell become spaces
 * so that every row keeps the row number Excel shows (WhatsApp refuses them in variables anyway).
 */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : plainNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value.replace(/\r\n|\r|\n/g, ' ');
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return cellText(value.richText.map((run) => run.text ?? '').join(''));
  if ('error' in value) return value.error;
  if ('hyperlink' in value) return cellText(value.text);
  if ('result' in value) return cellText(value.result);
  return '';
}

/** Builds the CSV the run reads, one line per sheet row, so a row's line is its row number in Excel. */
class SheetText {
  private readonly parts: string[] = [];
  private chars = 0;
  private line = 0;
  headers: string[] | null = null;
  headerLine = 0;
  readonly sample: string[][] = [];
  rowCount = 0;

  constructor(private readonly limits: UploadLimits) {}

  /** False once the text would pass the limit the CSV path has on the file. */
  add(rowNumber: number, cells: string[]): boolean {
    let last = cells.length;
    while (last > 0 && cells[last - 1] === '') last -= 1;
    if (last === 0) return true;
    if (!Number.isSafeInteger(rowNumber) || rowNumber < 1 || rowNumber > MAX_SHEET_ROW) throw badFile(`A row of the worksheet is numbered ${String(rowNumber).slice(0, 20)}`, null);
    // The blank lines that keep row numbers are counted before they are made: a forged row number is not a huge string.
    const gap = Math.max(0, rowNumber - this.line - 1);
    if (this.chars + gap > this.limits.maxBytes) return false;
    const record = cells.slice(0, last);
    const text = '\n'.repeat(gap) + stringify([record], { record_delimiter: '\n' });
    this.chars += text.length;
    if (this.chars > this.limits.maxBytes) return false;
    this.parts.push(text);
    this.line = rowNumber;
    if (!this.headers) {
      this.headers = record.map((h) => h.trim());
      this.headerLine = rowNumber;
    } else {
      this.rowCount += 1;
      if (this.rowCount > this.limits.maxRows) throw tooComplex(`The worksheet has more than ${this.limits.maxRows} rows: split it into smaller files`, rowNumber);
      if (this.sample.length < SAMPLE_ROWS) this.sample.push(sampleRow(record));
    }
    return true;
  }

  text(): string {
    return this.parts.join('');
  }
}

/** A number format that shows a date or a time (quoted text and [colour]/[locale] sections aside), as Excel decides. */
function isDateFormat(numFmt: string | undefined): boolean {
  return !!numFmt && /[ymdhsb]/i.test(numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/**
 * exceljs turns a plain cell shown as a date into a Date, but leaves a formula's cached result a
 * serial number (days since 1899-12-30): only the cell's format says it is a date.
 */
function formulaDate(value: CellValue, numFmt: string | undefined): CellValue {
  if (typeof value !== 'object' || value === null || !('result' in value) || typeof value.result !== 'number' || !isDateFormat(numFmt)) return value;
  return { ...value, result: new Date(Math.round((value.result - 25569) * 86_400_000)) };
}

/**
 * A row's cells as text, visiting only the cells the sheet holds: one cell in column XFD is one
 * cell to read, not 16,384. Columns past the limit and cells longer than it are refused.
 */
function rowCells(row: Row, limits: UploadLimits): string[] {
  const cells: string[] = [];
  let refused: AppError | null = null;
  row.eachCell((cell, column) => {
    if (refused) return;
    if (column > limits.maxColumns) {
      refused = tooComplex(`A row has a cell in column ${column}: a file may have at most ${limits.maxColumns} columns`, row.number);
      return;
    }
    const text = cellText(formulaDate(cell.value, cell.numFmt));
    if (text.length > limits.maxCellChars) refused = tooComplex(`A cell is longer than ${limits.maxCellChars} characters`, row.number);
    while (cells.length < column - 1) cells.push('');
    cells[column - 1] = text;
  });
  if (refused) throw refused;
  return cells;
}

/** Reads the sheet into `out`; what refuses the file is returned, so the sheets after it are still opened. */
async function readSheet(sheet: AsyncIterable<Row>, out: SheetText, limits: UploadLimits): Promise<AppError | null> {
  try {
    for await (const row of sheet) {
      if (!out.add(row.number, rowCells(row, limits))) return tooLarge('The text of the first worksheet', limits.maxBytes);
    }
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  return null;
}

/** Opens and closes a sheet that is not read, so exceljs closes the temporary file it put it in. */
async function skipSheet(sheet: AsyncIterable<Row>): Promise<void> {
  const rows = sheet[Symbol.asyncIterator]();
  await rows.next();
  await rows.return?.();
}

function describeZipError(error: unknown): AppError {
  const detail = error instanceof Error ? error.message : String(error);
  return badFile(`The file is not a valid Excel workbook (.xlsx): it is damaged or incomplete (${detail})`, null);
}

/**
 * The size the zip says its files unpack to, from its central directory (a file cut short has
 * none). exceljs unpacks each worksheet to a temporary file before reading it, so a small zip
 * that unpacks to gigabytes is refused here, before it reaches the disk. Zip64 sizes (over 4 GB)
 * count as too large.
 */
export function unpackedSize(file: Buffer): number {
  const end = file.lastIndexOf(END_OF_DIRECTORY);
  if (end < 0 || end + 22 > file.length) throw describeZipError('its table of contents is missing');
  const entries = file.readUInt16LE(end + 10);
  let at = file.readUInt32LE(end + 16);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== DIRECTORY_ENTRY) throw describeZipError('its table of contents is broken');
    const size = file.readUInt32LE(at + 24);
    total += size === 0xffffffff ? Infinity : size;
    at += 46 + file.readUInt16LE(at + 28) + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
  }
  return total;
}

/** The zip's real unpacked size, entry count and XML nesting, before exceljs unpacks a byte of it. */
async function checkUnpacked(file: Buffer, limits: UploadLimits): Promise<void> {
  // The declared sizes first: an honest workbook that is too large is refused without inflating it.
  if (unpackedSize(file) > limits.xlsx.maxUnpackedBytes) throw tooLarge('The workbook, unpacked,', limits.xlsx.maxUnpackedBytes);
  try {
    await checkZip(file, limits.xlsx);
  } catch (error) {
    throw error instanceof AppError ? error : describeZipError(error);
  }
}

/**
 * Reads the first visible worksheet of an .xlsx upload with exceljs's streaming reader (the
 * sheet's XML, often ten times the size of the zip, is never held whole) into the same stored
 * form as a CSV upload, so the run, its chunks and its report are the CSV path's own.
 */
export async function readXlsxUpload(file: Buffer, limits: UploadLimits): Promise<CsvUpload> {
  await checkUnpacked(file, limits);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const out = new SheetText(limits);
  let read = false;
  let refusal: AppError | null = null;
  try {
    for await (const sheet of reader) {
      const model = workbookModel.safeParse(reader.model);
      const first = model.success ? (model.data.sheets.find((s) => s.state === undefined || s.state === 'visible') ?? model.data.sheets[0]) : undefined;
      const id = sheetId.safeParse(sheet);
      const isFirst: boolean = !read && (!first || (id.success && id.data.id === first.id));
      // Every sheet is opened, even past a failure, so that exceljs cleans up after each.
      if (isFirst && !refusal) refusal = await readSheet(sheet, out, limits);
      else await skipSheet(sheet);
      read ||= isFirst;
    }
  } catch (error) {
    throw error instanceof AppError ? error : describeZipError(error);
  }
  if (refusal) throw refusal;
  if (!workbookModel.safeParse(reader.model).success) throw badFile('The file is a zip archive but not an Excel workbook (.xlsx)', null);
  if (!read) throw badFile('The workbook has no worksheet', null);
  if (!out.headers) throw badFile('The first worksheet is empty: its first row must name the columns', null);
  checkHeaders(out.headers, out.headerLine, limits);
  if (out.rowCount === 0) throw badFile('The first worksheet has a header row but no rows below it', out.headerLine + 1);
  return { text: out.text(), delimiter: ',', headers: out.headers, sample: out.sample, rowCount: out.rowCount, bytes: file.length };
}

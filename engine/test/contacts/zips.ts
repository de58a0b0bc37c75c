import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { UploadLimits } from '../../src/domains/contacts/upload-limits.js';

/** The limits the engine runs with by default (config.ts), to shrink one at a time in tests. */
export const LIMITS: UploadLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxColumns: 200,
  maxRows: 1_000_000,
  maxCellChars: 32_767,
  xlsx: { maxUnpackedBytes: 200 * 1024 * 1024, maxEntries: 500, maxPartBytes: 50 * 1024 * 1024 },
};

export interface ZipEntry {
  name: string;
  /** The raw deflate stream stored for the entry. */
  deflated: Buffer;
  /** What the zip says the entry unpacks to (its headers' word, which a bomb makes small). */
  declaredSize: number;
  crc: number;
}

export function entry(name: string, text: string | Buffer): ZipEntry {
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  return { name, deflated: deflateRawSync(data), declaredSize: data.length, crc: crc32(data) };
}

/**
 * An entry that inflates to `megabytes` MB of zeros from about 1 KB a megabyte, and says it
 * unpacks to 1 KB. One megabyte is deflated once and its block repeated: every back-reference
 * of a repeated block points at zeros, so the copies decode to zeros as the first did.
 */
export function bombEntry(name: string, megabytes: number): ZipEntry {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  return { name, deflated: Buffer.concat([...Array.from({ length: megabytes }, () => block), end]), declaredSize: 1024, crc: 0 };
}

function localHeader(e: ZipEntry, name: Buffer): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x800, 6);
  h.writeUInt16LE(8, 8);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.deflated.length, 18);
  h.writeUInt32LE(e.declaredSize, 22);
  h.writeUInt16LE(name.length, 26);
  return h;
}

function directoryHeader(e: ZipEntry, name: Buffer, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x800, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.deflated.length, 20);
  h.writeUInt32LE(e.declaredSize, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return h;
}

/** A zip written by hand, so that its headers say whatever the test wants them to. */
export function zipOf(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.concat([localHeader(e, name), name, e.deflated]);
    directory.push(directoryHeader(e, name, offset), name);
    parts.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** The parts of the smallest workbook exceljs reads: one sheet of inline strings. */
export function workbookParts(sheetXml: string): ZipEntry[] {
  return [
    entry('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    entry(
      'xl/workbook.xml',
      '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    entry(
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    entry('xl/worksheets/sheet1.xml', sheetXml),
  ];
}

/** A sheet of inline strings: `rows[i]` is row i + 1. */
export function sheetXml(rows: string[][], inside = ''): string {
  const column = (i: number) => String.fromCharCode(65 + i);
  const cells = rows.map((row, r) => `<row r="${r + 1}">${row.map((v, c) => `<c r="${column(c)}${r + 1}" t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`);
  return `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${inside}<sheetData>${cells.join('')}</sheetData></worksheet>`;
}

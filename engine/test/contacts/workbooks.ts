import ExcelJS, { type CellValue } from 'exceljs';

export interface SheetSpec {
  name: string;
  state?: 'visible' | 'hidden';
  /** Rows from row 1; null leaves the row empty. */
  rows: (CellValue[] | null)[];
  /** Columns (from 1) shown as a date and time, as Excel formats a column of dates. */
  dateColumns?: number[];
}

/** An .xlsx as Excel would save it, built with exceljs (which writes sheets before shared strings, as Excel does). */
export async function workbook(sheets: SheetSpec[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = book.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
    spec.rows.forEach((cells, i) => {
      if (cells) sheet.getRow(i + 1).values = cells;
    });
    for (const column of spec.dateColumns ?? []) sheet.getColumn(column).numFmt = 'yyyy-mm-dd hh:mm';
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
const FAT_SECTOR = 0xfffffffd;

function directoryEntry(name: string, type: 2 | 5, child: number, right: number): Buffer {
  const entry = Buffer.alloc(128);
  entry.write(name, 0, 'utf16le');
  entry.writeUInt16LE((name.length + 1) * 2, 64);
  entry.writeUInt8(type, 66);
  entry.writeUInt8(1, 67);
  entry.writeUInt32LE(FREE, 68);
  entry.writeUInt32LE(right, 72);
  entry.writeUInt32LE(child, 76);
  entry.writeUInt32LE(END_OF_CHAIN, 116);
  return entry;
}

/**
 * An OLE compound file (MS-CFB, version 3) whose root holds empty streams of these names:
 * `EncryptionInfo` and `EncryptedPackage` are what Excel writes for a workbook with a password,
 * `Workbook` what an Excel 97-2003 .xls holds.
 */
export function oleFile(streams: [string, string?]): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(1, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(END_OF_CHAIN, 0x3c);
  header.writeUInt32LE(END_OF_CHAIN, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(FAT_SECTOR, 0);
  fat.writeUInt32LE(END_OF_CHAIN, 4);
  const [first, second] = streams;
  const directory = Buffer.concat([
    directoryEntry('Root Entry', 5, 1, FREE),
    directoryEntry(first, 2, FREE, second ? 2 : FREE),
    second ? directoryEntry(second, 2, FREE, FREE) : Buffer.alloc(128),
    Buffer.alloc(128),
  ]);
  return Buffer.concat([header, fat, directory]);
}

import { AppError } from '../../platform/errors/app-error.js';

/** What an .xlsx may unpack to; see XLSX_MAX_* in config.ts. */
export interface XlsxLimits {
  /** Bytes every entry of the zip really inflates to, counted while inflating. */
  maxUnpackedBytes: number;
  maxEntries: number;
  /** Bytes of one part that exceljs keeps whole in memory (shared strings, styles, workbook, relationships). */
  maxPartBytes: number;
}

/**
 * What one uploaded contact file may hold (CONTACT_IMPORT_MAX_* in config.ts). Each bound keeps
 * a single hostile file from taking the memory, the disk or the event loop every tenant shares.
 */
export interface UploadLimits {
  maxBytes: number;
  maxColumns: number;
  maxRows: number;
  maxCellChars: number;
  xlsx: XlsxLimits;
}

/** A header name is shown and mapped by name, and a mapping names a column in at most 200 characters. */
export const MAX_HEADER_CHARS = 200;
/** Sample cells are for a person to recognise their columns by: a long cell is cut for the preview. */
export const SAMPLE_CELL_CHARS = 200;

/** A file built past what Parley reads: 422 with the line when there is one. */
export function tooComplex(message: string, line: number | null = null): AppError {
  const where = line === null ? '' : ` (line ${line})`;
  return new AppError('FILE_TOO_COMPLEX', `${message}${where}`, { line });
}

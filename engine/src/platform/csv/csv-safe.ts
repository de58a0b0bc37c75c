import { stringify } from 'csv-stringify/sync';

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: a contact named `=HYPERLINK(...)` would run in whoever opens the export (OWASP "CSV
 * injection"). Such cells get a leading single quote, which spreadsheets show as text.
 */
export function csvSafeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Rows of cells as one CSV document (RFC 4180 quoting), every cell made formula-safe. */
export function toSafeCsv(header: string[], rows: unknown[][]): string {
  return stringify([header.map(csvSafeCell), ...rows.map((row) => row.map(csvSafeCell))]);
}

import { emailSchema, type ConsentState, type FieldIssue, type ImportMapping, type ImportRunBody } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { normalizePhone } from '../customers/index.js';
import type { CsvRow } from './csv-read.js';

/** A row that passed validation, normalised. */
export interface ImportRow {
  index: number;
  line: number;
  phone: string;
  country: string | null;
  name: string | null;
  email: string | null;
  tags: string[];
  attributes: Record<string, string>;
  consent: RowConsent | null;
}

export interface RowConsent {
  to: ConsentState;
  /** When the person consented or revoked, as the file says; the only evidence that can lift an opt-out. */
  time: Date | null;
  source: string | null;
  line: number;
  /** The consent cells exactly as they were in the file (a list: column names may hold `.` or `$`). */
  values: { column: string; value: string }[];
}

export interface RowRejection {
  index: number;
  line: number;
  value: string;
  reason: string;
}

/** Where each mapped field is in the row. */
export interface ColumnIndexes {
  phone: number;
  name: number;
  email: number;
  tags: number;
  consentStatus: number;
  consentSource: number;
  consentTime: number;
  attributes: { index: number; key: string }[];
  width: number;
  headers: string[];
}

const CONSENT_WORDS: Record<string, ConsentState> = Object.fromEntries([
  ...['granted', 'yes', 'y', 'true', '1', 'opt-in', 'opt in', 'opted in', 'optin', 'subscribed', 'sim', 's', 'si', 'sí', 'oui'].map((w) => [w, 'granted'] as const),
  ...['revoked', 'no', 'n', 'false', '0', 'opt-out', 'opt out', 'opted out', 'optout', 'unsubscribed', 'não', 'nao', 'non'].map((w) => [w, 'revoked'] as const),
  ...['unknown', '', '?', 'n/a', '-'].map((w) => [w, 'unknown'] as const),
]);

export function indexesOf(headers: string[], mapping: ImportMapping): ColumnIndexes {
  const at = (column: string | null) => (column === null ? -1 : headers.indexOf(column));
  return {
    phone: at(mapping.phone),
    name: at(mapping.name),
    email: at(mapping.email),
    tags: at(mapping.tags),
    consentStatus: at(mapping.consentStatus),
    consentSource: at(mapping.consentSource),
    consentTime: at(mapping.consentTime),
    attributes: mapping.attributes.map((a) => ({ index: headers.indexOf(a.column), key: a.key })),
    width: headers.length,
    headers,
  };
}

/** ISO 8601 (a date, or a date and time with or without a zone, read as UTC). */
function parseTime(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return null;
  const iso = text.replace(' ', 'T');
  const time = new Date(/T.*(Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
  return Number.isNaN(time.getTime()) ? null : time;
}

function splitTags(cell: string): string[] {
  return [...new Set(cell.split(/[,;|]/).map((t) => t.trim()).filter((t) => t !== ''))];
}

/** Validates and normalises one row: every problem becomes a reason the report shows. */
export function readRow(row: CsvRow, index: number, cols: ColumnIndexes, defaultCountry: string, now: Date): ImportRow | RowRejection {
  const cell = (i: number) => (i < 0 ? '' : (row.cells[i] ?? '').trim());
  const reject = (value: string, reason: string): RowRejection => ({ index, line: row.line, value, reason });
  if (row.cells.slice(cols.width).some((c) => c.trim() !== '')) {
    return reject(row.cells.slice(cols.width).join(' '), `has ${row.cells.length} cells but the header names ${cols.width} columns`);
  }
  const rawPhone = cell(cols.phone);
  const phone = normalizePhone(rawPhone, defaultCountry);
  if ('problem' in phone) {
    const reasons = { empty: 'no phone number', not_a_number: 'the phone number has letters or symbols', invalid: `not a valid phone number (national numbers are read as ${defaultCountry})` };
    return reject(rawPhone, reasons[phone.problem]);
  }
  const name = cell(cols.name);
  if (name.length > 120) return reject(name, 'the name is longer than 120 characters');
  const rawEmail = cell(cols.email);
  const email = rawEmail === '' ? null : emailSchema.safeParse(rawEmail);
  if (email && !email.success) return reject(rawEmail, 'not a valid email address');
  const tags = splitTags(cell(cols.tags));
  const longTag = tags.find((t) => t.length > 64);
  if (longTag) return reject(longTag, 'a tag is longer than 64 characters');
  const attributes: Record<string, string> = {};
  for (const { index: i, key } of cols.attributes) {
    const value = cell(i);
    if (value.length > 500) return reject(value.slice(0, 60), `the ${key} attribute is longer than 500 characters`);
    if (value !== '') attributes[key] = value;
  }
  const consent = readConsent(cell, cols, row.line, now);
  if (consent && 'reason' in consent) return reject(consent.value, consent.reason);
  return { index, line: row.line, phone: phone.phone, country: phone.country, name: name || null, email: email ? email.data : null, tags, attributes, consent };
}

function readConsent(cell: (i: number) => string, cols: ColumnIndexes, line: number, now: Date): RowConsent | { value: string; reason: string } | null {
  if (cols.consentStatus < 0) return null;
  const status = cell(cols.consentStatus);
  const to = CONSENT_WORDS[status.toLowerCase()];
  if (!to) return { value: status, reason: 'consent must be granted, revoked or unknown (yes/no, opt-in/opt-out are understood)' };
  const rawTime = cell(cols.consentTime);
  const time = rawTime === '' ? null : parseTime(rawTime);
  if (rawTime !== '' && !time) return { value: rawTime, reason: 'the consent time is not a date (use 2024-05-31 or 2024-05-31T14:00:00Z)' };
  if (time && time.getTime() > now.getTime() + 5 * 60_000) return { value: rawTime, reason: 'the consent time is in the future' };
  const source = cell(cols.consentSource);
  if (source.length > 200) return { value: source.slice(0, 60), reason: 'the consent source is longer than 200 characters' };
  const values: { column: string; value: string }[] = [];
  for (const i of [cols.consentStatus, cols.consentSource, cols.consentTime]) {
    const header = cols.headers[i];
    if (i >= 0 && header !== undefined) values.push({ column: header, value: cell(i) });
  }
  return { to, time, source: source || null, line, values };
}

/** Mapped columns must be in the file, and a phone column is required. */
export function checkMapping(headers: string[], body: ImportRunBody): void {
  const issues: FieldIssue[] = [];
  const { mapping } = body;
  const fields = ['phone', 'name', 'email', 'tags', 'consentStatus', 'consentSource', 'consentTime'] as const;
  for (const field of fields) {
    const column = mapping[field];
    if (column !== null && !headers.includes(column)) issues.push({ field: `body.mapping.${field}`, message: `the file has no column "${column}"` });
  }
  mapping.attributes.forEach((a, i) => {
    if (!headers.includes(a.column)) issues.push({ field: `body.mapping.attributes.${i}.column`, message: `the file has no column "${a.column}"` });
  });
  const keys = mapping.attributes.map((a) => a.key);
  keys.forEach((key, i) => {
    if (keys.indexOf(key) !== i) issues.push({ field: `body.mapping.attributes.${i}.key`, message: `the attribute "${key}" is mapped twice` });
  });
  if ((mapping.consentSource || mapping.consentTime) && !mapping.consentStatus) {
    issues.push({ field: 'body.mapping.consentStatus', message: 'map the consent status column to import consent source or time' });
  }
  if (body.listId && body.newListName) issues.push({ field: 'body.newListName', message: 'choose an existing list or a new one, not both' });
  if (issues.length > 0) throw AppError.validation(issues);
}

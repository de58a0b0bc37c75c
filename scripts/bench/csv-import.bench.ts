/**
 * CSV import: rows per second importing 100,000 generated contacts (BENCH_ROWS) into a fresh
 * tenant through the contacts service: upload (stream, validate, store), then the run (validate
 * every row, normalise phones, deduplicate, consent ledger, batched writes) until the import is
 * complete. Target: 100,000 rows in under 10 s on FerretDB. Baseline, same run: csv-parse alone
 * over the same file, no validation and no database.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { fmt, verdict } from './bench-support.js';
import { benchTenant } from './bench-tenant.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const TARGET_SECONDS = 10;

/** A marketer's export: Brazilian mobiles in mixed spellings, 1% repeated, 1% broken, consent for most. */
function generate(rows: number): string {
  const lines = ['phone,name,email,consent,consent_source,consent_time,plan,city'];
  for (let i = 0; i < rows; i++) {
    const n = String(10_000_000 + i);
    const phone = i % 100 === 7 ? 'n/a' : i % 100 === 13 ? `+55 11 9${String(10_000_000 + i - 1)}` : i % 3 === 0 ? `(11) 9${n.slice(0, 4)}-${n.slice(4)}` : `+5511 9${n}`;
    const consent = i % 10 === 0 ? 'revoked' : i % 10 === 1 ? '' : 'granted';
    lines.push(`${phone},Person ${i},person${i}@example.com,${consent},website form,2024-0${1 + (i % 9)}-15,${i % 2 ? 'fibre' : 'mobile'},${i % 5 ? 'São Paulo' : 'Campinas'}`);
  }
  return `${lines.join('\n')}\n`;
}

const csv = generate(ROWS);
const bytes = Buffer.from(csv);
process.stdout.write(`${ROWS.toLocaleString()} rows, ${fmt(bytes.length / 1024 / 1024, 1)} MB\n`);

const baseStart = performance.now();
const records = parse(csv, { relax_column_count: true, skip_empty_lines: true });
const baseSeconds = (performance.now() - baseStart) / 1000;
const baseRate = (records.length - 1) / baseSeconds;
process.stdout.write(`baseline csv-parse only: ${fmt(baseSeconds, 2)} s, ${Math.round(baseRate).toLocaleString()} rows/s\n`);

const bench = await benchTenant();
try {
  const { imports, directory } = bench.engine.services.contacts;
  await directory.putSettings(bench.tenantId, { defaultCountry: 'BR' });
  const start = performance.now();
  const uploaded = await imports.upload(bench.tenantId, Readable.from([bytes]), 'bench.csv', 'bench');
  const uploadSeconds = (performance.now() - start) / 1000;
  await imports.run(
    bench.tenantId,
    uploaded.id,
    {
      mapping: { phone: 'phone', name: 'name', email: 'email', tags: null, consentStatus: 'consent', consentSource: 'consent_source', consentTime: 'consent_time', attributes: [{ column: 'plan', key: 'plan' }, { column: 'city', key: 'city' }] },
      listId: null,
      newListName: 'Bench list',
      addTags: ['bench'],
    },
    'bench',
  );
  await imports.idle();
  const seconds = (performance.now() - start) / 1000;
  const report = await imports.report(bench.tenantId, uploaded.id, 1);
  if (report.import.status !== 'completed') throw new Error(`the import ended ${report.import.status}: ${report.import.error}`);
  const rate = ROWS / seconds;
  const c = report.import.counts;
  process.stdout.write(`upload (stream, validate, store): ${fmt(uploadSeconds, 2)} s\n`);
  process.stdout.write(`import end to end: ${fmt(seconds, 2)} s, ${Math.round(rate).toLocaleString()} rows/s = ${fmt(rate / baseRate, 3)} of csv-parse alone\n`);
  process.stdout.write(`counts: ${c.created} created, ${c.updated} updated, ${c.merged} merged, ${c.rejected} rejected\n`);
  process.stdout.write(`${verdict(seconds < (TARGET_SECONDS * ROWS) / 100_000, `${ROWS.toLocaleString()} rows in under ${fmt((TARGET_SECONDS * ROWS) / 100_000, 1)} s`)}\n`);
} finally {
  await bench.close();
}

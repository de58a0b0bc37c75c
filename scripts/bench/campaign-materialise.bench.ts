/**
 * Campaign audience materialisation: time to turn 100,000 consenting customers (BENCH_RECIPIENTS)
 * into campaign recipients (stream the audience in pages, decide skips, render the template
 * values, unordered insertMany in batches). Baseline, same run: a bare insertMany of the same
 * number of recipient-shaped documents into a scratch collection, in the same batch size.
 */
import { fmt } from './bench-support.js';
import { benchTenant } from './bench-tenant.js';
import { benchActor, campaignFixture } from './campaign-bench-setup.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);

const bench = await benchTenant();
try {
  const { engine, sim, tenantId } = bench;
  const { templateId } = await campaignFixture(engine, sim, tenantId, RECIPIENTS);
  const scratch = engine.db.tenant(tenantId).collection<{ _id: string }>('bench_scratch');
  const baseStart = performance.now();
  for (let i = 0; i < RECIPIENTS; i += 1000) {
    const now = new Date();
    const docs = Array.from({ length: Math.min(1000, RECIPIENTS - i) }, (_, k) => ({ _id: `scratch:${i + k}`, campaignId: 'scratch', customerId: String(i + k), phone: `+9198${10_000_000 + i + k}`, waId: null, name: `Person ${i + k}`, country: 'IN', values: ['Person'], status: 'queued', statusRank: 0, reason: null, errorCode: null, attempt: 0, notBefore: now, claimedAt: null, wamid: null, sentAt: null, repliedAt: null, optedOutAt: null, timeline: [{ status: 'queued', at: now, detail: null }] }));
    await scratch.insertMany(docs, { ordered: false });
  }
  const baseSeconds = (performance.now() - baseStart) / 1000;
  process.stdout.write(`baseline bare insertMany: ${fmt(baseSeconds, 2)} s, ${Math.round(RECIPIENTS / baseSeconds).toLocaleString()} docs/s\n`);

  const created = await engine.services.campaigns.campaigns.create(tenantId, { name: 'Bench', templateId, variables: [{ parameter: '1', source: { kind: 'first_name' }, fallback: 'there' }], audience: { listIds: [], allConsenting: true, segmentId: null }, scheduleAt: null, throughputCap: 80, budgetCap: null }, benchActor);
  const start = performance.now();
  const count = await engine.services.campaigns.materialise(tenantId, created.id);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`materialised ${count.toLocaleString()} recipients: ${fmt(seconds, 2)} s, ${Math.round(count / seconds).toLocaleString()} recipients/s = ${fmt(baseSeconds / seconds, 3)} of the bare insertMany's speed\n`);
} finally {
  await bench.engine.services.campaigns.stop();
  await bench.close();
}

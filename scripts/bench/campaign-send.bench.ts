/**
 * Campaign sending: achieved send rate over the configured cap, for N recipients
 * (BENCH_RECIPIENTS, default 100,000) at 80/s and at 1,000/s (BENCH_CAPS), from the simulator's own log of
 * accepted sends (first to last acceptance). Also counts the 130429s Parley caused by sending
 * faster than the number allows (target: zero), from the simulator's count of refusals. The
 * baseline, same run: the cap itself (a ratio of 1.00 is a campaign paced exactly at its cap).
 * The simulator runs in a process of its own, as WhatsApp runs outside Parley.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, verdict } from './bench-support.js';
import { benchTenant } from './bench-tenant.js';
import { benchActor, campaignFixture } from './campaign-bench-setup.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
/** The caps to run, per second (BENCH_CAPS, comma-separated). */
const CAPS = (process.env.BENCH_CAPS ?? '80,1000').split(',').map(Number);

for (const cap of CAPS) {
  const bench = await benchTenant({ simulator: 'process' });
  try {
    const { engine, sim, tenantId } = bench;
    await fetch(`${sim.url}/__sim/numbers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: '100000000000001', throughput: cap, tier: 'TIER_UNLIMITED' }) });
    await fetch(`${sim.url}/__sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readProbability: 0 }) });
    await engine.services.channels.updateHealth(tenantId, '100000000000001', { throughput: cap, messagingTier: 'TIER_UNLIMITED' });
    const { templateId } = await campaignFixture(engine, sim, tenantId, RECIPIENTS);
    const { campaigns } = engine.services.campaigns;
    const created = await campaigns.create(tenantId, { name: `Bench ${cap}`, templateId, variables: [{ parameter: '1', source: { kind: 'first_name' }, fallback: 'there' }], audience: { listIds: [], allConsenting: true, segmentId: null }, scheduleAt: null, throughputCap: cap, budgetCap: null }, benchActor);
    // Materialised before the clock starts: the send rate is what is measured here.
    await engine.services.campaigns.materialise(tenantId, created.id);
    process.stdout.write(`  cap ${cap}/s: ${RECIPIENTS.toLocaleString()} recipients materialised, launching\n`);
    await campaigns.launch(tenantId, created.id, benchActor);
    // The campaign document alone: counting recipients every second would load the database.
    const campaignDocs = engine.services.campaigns.models.campaigns(tenantId);
    for (let tick = 1; ; tick++) {
      const doc = await campaignDocs.findById(created.id, { status: 1 }).lean();
      if (doc?.status !== 'running') break;
      if (tick % 30 === 0) process.stdout.write(`  cap ${cap}/s: ${(await simState(sim.url)).sends.toLocaleString()} sent after ${tick} s\n`);
      await sleep(1000);
    }
    const sends = (await (await fetch(`${sim.url}/__sim/sends?template=bench_offer&limit=${RECIPIENTS * 2}`)).json()) as { data: { acceptedAt: number; waId: string }[] };
    const { refusals } = await simState(sim.url);
    const first = sends.data.reduce((min, s) => Math.min(min, s.acceptedAt), Infinity);
    const last = sends.data.reduce((max, s) => Math.max(max, s.acceptedAt), -Infinity);
    const rate = (sends.data.length - 1) / Math.max((last - first) / 1000, 0.001);
    const attempts = await engine.services.campaigns.models.claims(tenantId).countDocuments({ campaignId: created.id });
    const waIds = new Set(sends.data.map((s) => s.waId));
    const throttled = refusals['130429'] ?? 0;
    const refused = Object.entries(refusals).map(([code, n]) => `${code}×${n}`).join(', ') || 'none';
    process.stdout.write(`cap ${cap}/s: ${sends.data.length.toLocaleString()} sent to ${waIds.size.toLocaleString()} people in ${fmt((last - first) / 1000, 1)} s, ${fmt(rate, 1)}/s = ${fmt(rate / cap, 3)} of the cap; ${attempts - RECIPIENTS} attempts beyond one per recipient; Graph refusals: ${refused}\n`);
    // Every send was delivered at the simulator (no reads asked for): so must every recipient be,
    // once the status webhooks still queued for processing are worked off.
    const drainStart = performance.now();
    await engine.services.webhooks.idle();
    process.stdout.write(`  status webhooks still queued when the campaign completed: processed in ${fmt((performance.now() - drainStart) / 1000, 1)} s\n`);
    const statuses = new Map<string, number>();
    for await (const r of engine.services.campaigns.models.recipients(tenantId).find({ campaignId: created.id }, { _id: 0, status: 1 }).lean().cursor()) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    process.stdout.write(`  recipients by status: ${[...statuses].map(([status, n]) => `${status} ${n.toLocaleString()}`).join(', ')}\n`);
    process.stdout.write(`${verdict(sends.data.length === RECIPIENTS && waIds.size === RECIPIENTS && throttled === 0, `every recipient sent once, no 130429 caused by Parley at ${cap}/s`)}\n`);
    process.stdout.write(`${verdict(rate / cap >= 0.98, `at least 0.98 of the cap at ${cap}/s`)}\n`);
  } finally {
    await bench.engine.services.campaigns.stop();
    await bench.close();
  }
}

/** The simulator's counters, from its control API. */
async function simState(url: string): Promise<{ sends: number; refusals: Record<string, number> }> {
  return (await (await fetch(`${url}/__sim/state`)).json()) as { sends: number; refusals: Record<string, number> };
}


/**
 * Campaign sending: achieved send rate over the configured cap, for N recipients
 * (BENCH_RECIPIENTS, default 100,000) at 80/s and at 1,000/s (BENCH_CAPS), from the simulator's own log of
 * accepted sends (first to last acceptance). Also counts the 130429s Parley caused by sending
 * faster than the number allows (target: zero), from the simulator's count of refusals.
 * Baselines, same run: the cap itself (a ratio of 1.00 is a campaign paced exactly at its cap),
 * and the bare pipeline: the same simulator process sending the same template to as many people,
 * paced at the cap by a loop with the engine's HTTP client, its status webhooks answered 200 by a
 * bare `node:http` server, with no database, no queue and no Parley in between. It is what this
 * machine can do at all, WhatsApp's side included.
 * The simulator runs in a process of its own, as WhatsApp runs outside Parley.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { atFixedRate, fmt, verdict } from './bench-support.js';
import { benchTenant, simulatorProcess } from './bench-tenant.js';
import { approveBenchTemplate, benchActor, benchTemplate, campaignFixture } from './campaign-bench-setup.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
/** The caps to run, per second (BENCH_CAPS, comma-separated). */
const CAPS = (process.env.BENCH_CAPS ?? '80,1000').split(',').map(Number);

const PHONE_NUMBER_ID = '100000000000001';

for (const cap of CAPS) {
  const bare = await barePipeline(cap);
  process.stdout.write(`cap ${cap}/s, bare pipeline: ${bare.sent.toLocaleString()} sent in ${fmt(bare.seconds, 1)} s, ${fmt(bare.rate, 1)}/s = ${fmt(bare.rate / cap, 3)} of the cap; ${bare.webhooks.toLocaleString()} status webhooks answered; Graph refusals: ${bare.refused}; CPU per message: simulator ${fmt(bare.simulatorMs)} ms, sender and receiver ${fmt(bare.clientMs)} ms (${fmt((bare.simulatorMs * cap) / 1000)} and ${fmt((bare.clientMs * cap) / 1000)} cores at the cap)\n`);
  const bench = await benchTenant({ simulator: 'process' });
  try {
    const { engine, sim, tenantId } = bench;
    await prepareSimulator(sim.url, cap);
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
    const { sent, people, seconds, rate, throttled, refused } = await sendLog(sim.url);
    const attempts = await engine.services.campaigns.models.claims(tenantId).countDocuments({ campaignId: created.id });
    process.stdout.write(`cap ${cap}/s: ${sent.toLocaleString()} sent to ${people.toLocaleString()} people in ${fmt(seconds, 1)} s, ${fmt(rate, 1)}/s = ${fmt(rate / cap, 3)} of the cap, ${fmt(rate / bare.rate, 3)} of the bare pipeline; ${attempts - RECIPIENTS} attempts beyond one per recipient; Graph refusals: ${refused}\n`);
    // Every send was delivered at the simulator (no reads asked for): so must every recipient be,
    // once the status webhooks still queued for processing are worked off.
    const drainStart = performance.now();
    await engine.services.webhooks.idle();
    process.stdout.write(`  status webhooks still queued when the campaign completed: processed in ${fmt((performance.now() - drainStart) / 1000, 1)} s\n`);
    const statuses = new Map<string, number>();
    for await (const r of engine.services.campaigns.models.recipients(tenantId).find({ campaignId: created.id }, { _id: 0, status: 1 }).lean().cursor()) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    process.stdout.write(`  recipients by status: ${[...statuses].map(([status, n]) => `${status} ${n.toLocaleString()}`).join(', ')}\n`);
    process.stdout.write(`${verdict(sent === RECIPIENTS && people === RECIPIENTS && throttled === 0, `every recipient sent once, no 130429 caused by Parley at ${cap}/s`)}\n`);
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

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The number's cap and an unlimited tier at the simulator, and no reads: sent and delivered per message. */
async function prepareSimulator(url: string, cap: number): Promise<void> {
  await postJson(`${url}/__sim/numbers`, { phoneNumberId: PHONE_NUMBER_ID, throughput: cap, tier: 'TIER_UNLIMITED' });
  await postJson(`${url}/__sim/settings`, { readProbability: 0 });
}

/** The rate of the sends the simulator accepted (first to last acceptance), and its refusals. */
async function sendLog(url: string): Promise<{ sent: number; people: number; seconds: number; rate: number; throttled: number; refused: string }> {
  const sends = (await (await fetch(`${url}/__sim/sends?template=${benchTemplate.name}&limit=${RECIPIENTS * 2}`)).json()) as { data: { acceptedAt: number; waId: string }[] };
  const { refusals } = await simState(url);
  const first = sends.data.reduce((min, s) => Math.min(min, s.acceptedAt), Infinity);
  const last = sends.data.reduce((max, s) => Math.max(max, s.acceptedAt), -Infinity);
  const seconds = (last - first) / 1000;
  return {
    sent: sends.data.length,
    people: new Set(sends.data.map((s) => s.waId)).size,
    seconds,
    rate: (sends.data.length - 1) / Math.max(seconds, 0.001),
    throttled: refusals['130429'] ?? 0,
    refused: Object.entries(refusals).map(([code, n]) => `${code}×${n}`).join(', ') || 'none',
  };
}

/**
 * What this machine does with nothing of Parley in between: a simulator process of its own, sends
 * of the bench template paced at the cap with the engine's HTTP client (undici, the same agent
 * settings), and a bare `node:http` server answering its status webhooks 200.
 */
async function barePipeline(cap: number): Promise<Awaited<ReturnType<typeof sendLog>> & { webhooks: number; simulatorMs: number; clientMs: number }> {
  let webhooks = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      webhooks++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const sim = await simulatorProcess(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/whatsapp`);
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  try {
    await prepareSimulator(sim.url, cap);
    await approveBenchTemplate(sim.url);
    const start = { at: performance.now(), sim: sim.cpuSeconds(), client: process.cpuUsage() };
    await atFixedRate(RECIPIENTS, cap, async (i) => {
      const response = await request(`${sim.url}/v23.0/${PHONE_NUMBER_ID}/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: 'Bearer demo-access-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          to: `9197${String(10_000_000 + i)}`,
          type: 'template',
          biz_opaque_callback_data: `bare:${i}`,
          template: { name: benchTemplate.name, language: { code: benchTemplate.language }, components: [{ type: 'body', parameters: [{ type: 'text', text: `Person ${i}` }] }] },
        }),
      });
      await response.body.dump();
    });
    // The statuses of the last sends.
    await sleep(3000);
    const client = process.cpuUsage(start.client);
    const log = await sendLog(sim.url);
    const perMessage = (cpuSeconds: number) => (cpuSeconds * 1000) / Math.max(log.sent, 1);
    return { ...log, webhooks, simulatorMs: perMessage(sim.cpuSeconds() - start.sim), clientMs: perMessage((client.user + client.system) / 1e6) };
  } finally {
    await sim.close();
    await agent.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
}


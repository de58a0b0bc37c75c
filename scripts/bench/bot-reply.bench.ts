/**
 * Webhook to bot reply: the time from a customer's signed webhook reaching the engine to the
 * bot's answer being accepted by the (simulated) Graph API, at a fixed rate, in a tenant that
 * already has BENCH_CONTACTS imported contacts (10,000); half the senders are among them, half
 * write for the first time. Baseline, same run: a bare Graph send from this process to the same
 * simulator.
 */
import { Agent, request } from 'undici';
import { metaJson, signatureSha256 } from '../whatsapp-simulator/index.js';
import { benchTenant } from './bench-tenant.js';
import { atFixedRate, fmt, summarise, verdict } from './bench-support.js';
import { seedContacts } from './campaign-bench-setup.js';

const RATE = Number(process.env.BENCH_RATE ?? 5);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 100);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const WARMUP = 20;
const agent = new Agent({ connections: 32 });

async function main(): Promise<void> {
  const { engine, engineUrl, sim, tenantId, close } = await benchTenant();
  const contactOf = (i: number) => `4478${String(i).padStart(8, '0')}`;
  await seedContacts(engine, tenantId, CONTACTS, contactOf);
  // Even senders are known contacts (a reply to a campaign, say), odd ones write for the first time.
  const waIdOf = (i: number) => contactOf(i % 2 === 0 && i < CONTACTS ? i : CONTACTS + i);
  const started = new Map<string, number>();

  const baseline: number[] = [];
  for (let i = 0; i < 200; i++) {
    // Outside the window the simulator still answers 200 at once (the 131047 comes later by webhook).
    const t0 = performance.now();
    const response = await request(`${sim.url}/v23.0/100000000000001/messages`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: 'Bearer demo-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: `+${contactOf(900_000 + i)}`, type: 'text', text: { body: 'baseline' } }),
    });
    await response.body.text();
    baseline.push(performance.now() - t0);
  }

  // Warm-up (compiling the bot, first connections) is not measured.
  await atFixedRate(WARMUP, RATE, async (i) => {
    const waId = `4479${String(i).padStart(8, '0')}`;
    const raw = metaJson({
      object: 'whatsapp_business_account',
      entry: [{ id: '200000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: '100000000000001' }, contacts: [{ wa_id: waId, profile: { name: `Warm ${i}` } }], messages: [{ from: waId, id: `wamid.warm.${Date.now()}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hello' } }] } }] }],
    });
    const response = await request(`${engineUrl}/webhooks/whatsapp`, { method: 'POST', dispatcher: agent, body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256('demo-app-secret', raw) } });
    await response.body.text();
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));

  await atFixedRate(TOTAL, RATE, async (i) => {
    const waId = waIdOf(i);
    const raw = metaJson({
      object: 'whatsapp_business_account',
      entry: [{ id: '200000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: '100000000000001' }, contacts: [{ wa_id: waId, profile: { name: `Bench ${i}` } }], messages: [{ from: waId, id: `wamid.botbench.${Date.now()}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hello' } }] } }] }],
    });
    started.set(waId, Date.now());
    const response = await request(`${engineUrl}/webhooks/whatsapp`, { method: 'POST', dispatcher: agent, body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256('demo-app-secret', raw) } });
    await response.body.text();
  });
  const deadline = Date.now() + 30_000;
  const latencies = new Map<string, number>();
  while (latencies.size < TOTAL && Date.now() < deadline) {
    for (const send of sim.state.sends.all()) {
      const begun = send.waId ? started.get(send.waId) : undefined;
      if (begun !== undefined && !latencies.has(send.waId ?? '')) latencies.set(send.waId ?? '', send.acceptedAt - begun);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const lat = summarise([...latencies.values()]);
  const base = summarise(baseline);
  console.log(`webhook to bot reply at ${RATE}/s (${lat.n}/${TOTAL} replied), tenant with ${CONTACTS.toLocaleString()} contacts`);
  console.log(`  p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms, max ${fmt(lat.max, 1)} ms   ${verdict(lat.p99 < 50, 'p99 under 50 ms')}`);
  console.log(`  baseline (bare Graph send to the simulator): p50 ${fmt(base.p50, 2)} ms, p99 ${fmt(base.p99, 2)} ms`);
  console.log(`  ratio p99 / baseline p99: ${fmt(lat.p99 / base.p99, 1)}x`);
  await close();
  await agent.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

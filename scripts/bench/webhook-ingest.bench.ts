/**
 * Webhook ingest: how many signed WhatsApp webhooks per second the engine verifies, stores
 * (deduplicated) and acknowledges, against a bare node:http server answering 200 on the same
 * machine; then p50/p99 acknowledgement latency at a fixed 1,000 webhooks/s.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { metaJson, signatureSha256 } from '../whatsapp-simulator/index.js';
import { benchTenant } from './bench-tenant.js';
import { atFixedRate, fmt, summarise, throughput, verdict } from './bench-support.js';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 2000);
const CONCURRENCY = 64;
const RATE = 1000;
const RATE_TOTAL = Number(process.env.BENCH_RATE_TOTAL ?? 3000);

const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
const failures = new Map<number, number>();

function body(i: number, salt: string): string {
  const waId = `4479${String(i % 5000).padStart(8, '0')}`;
  return metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: '200000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: '100000000000001' }, contacts: [{ wa_id: waId, profile: { name: `Bench ${i}` } }], messages: [{ from: waId, id: `wamid.bench.${salt}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }] } }] }],
  });
}

async function post(url: string, raw: string): Promise<number> {
  const started = performance.now();
  const response = await request(url, { method: 'POST', dispatcher: agent, body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256('demo-app-secret', raw) } });
  await response.body.text();
  // Anything but 200 makes Meta deliver again later; count it rather than stop.
  if (response.statusCode !== 200) failures.set(response.statusCode, (failures.get(response.statusCode) ?? 0) + 1);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks/whatsapp`;
  const { engineUrl, close } = await benchTenant({ logLevel: process.env.LOG_LEVEL ?? 'silent' });
  const webhookUrl = `${engineUrl}/webhooks/whatsapp`;
  const salt = Date.now().toString(36);
  const bodies = Array.from({ length: Math.max(TOTAL, RATE_TOTAL) }, (_, i) => body(i, salt));

  await throughput(200, 16, async (i) => void (await post(bareUrl, bodies[i] ?? '')));
  const bareRate = await throughput(TOTAL, CONCURRENCY, async (i) => void (await post(bareUrl, bodies[i] ?? '')));
  const engineRate = await throughput(TOTAL, CONCURRENCY, async (i) => void (await post(webhookUrl, bodies[i] ?? '')));
  const ratio = engineRate / bareRate;

  const latencies: number[] = [];
  const rateBodies = Array.from({ length: RATE_TOTAL }, (_, i) => body(i, `${salt}-rate`));
  await atFixedRate(RATE_TOTAL, RATE, async (i) => void latencies.push(await post(webhookUrl, rateBodies[i] ?? '')));
  const lat = summarise(latencies);

  console.log(`webhook ingest (${TOTAL} webhooks, ${CONCURRENCY} concurrent)`);
  console.log(`  bare node:http  ${fmt(bareRate, 0)} webhooks/s`);
  console.log(`  engine          ${fmt(engineRate, 0)} webhooks/s`);
  console.log(`  ratio           ${fmt(ratio, 3)} of bare node:http   ${verdict(ratio >= 0.15, 'at least 0.15')}`);
  console.log(`  answers other than 200: ${failures.size === 0 ? 'none' : [...failures].map(([status, n]) => `${n} x ${status}`).join(', ')}`);
  console.log(`latency at ${RATE}/s for ${RATE_TOTAL} webhooks: p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms   ${verdict(lat.p99 < 100, 'p99 under 100 ms')}`);
  await close();
  bare.close();
  await agent.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

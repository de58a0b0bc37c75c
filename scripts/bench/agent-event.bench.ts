/**
 * Webhook to agent event across processes: a webhook is received by the engine in this process;
 * an agent's socket is connected to a second engine process; we time the inbound message's
 * `message:created` event. Baseline, same run: a bare Redis pub/sub round trip between two
 * connections, which any cross-process event must pay at least once.
 */
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { Agent, request } from 'undici';
import { ensureAccount, TEST_COST } from '@parley/engine';
import { metaJson, signatureSha256 } from '../whatsapp-simulator/index.js';
import { spawnEngine } from '../../engine/test/support/engine-process.js';
import { benchTenant } from './bench-tenant.js';
import { atFixedRate, fmt, summarise, verdict } from './bench-support.js';

const RATE = Number(process.env.BENCH_RATE ?? 5);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 100);
const agent = new Agent({ connections: 32 });

async function redisBaseline(url: string): Promise<number[]> {
  const pub = new Redis(url, { protocol: 2 });
  const sub = new Redis(url, { protocol: 2 });
  await sub.subscribe('bench:ping');
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const got = new Promise<void>((resolve) => sub.once('message', () => resolve()));
    await pub.publish('bench:ping', String(i));
    await got;
    samples.push(performance.now() - t0);
  }
  pub.disconnect();
  sub.disconnect();
  return samples;
}

async function main(): Promise<void> {
  const { engine, engineUrl, tenantId, close } = await benchTenant();
  const other = await spawnEngine({ MONGODB_URI: engine.config.mongodbUri, REDIS_URL: engine.config.redisUrl, DB_PREFIX: engine.config.dbPrefix, LOG_LEVEL: 'info' });
  await ensureAccount(engine.db, { email: 'agent@bench.test', name: 'Bench Agent', password: 'bench-password-1', membership: { tenantId, roles: ['care_agent'] } }, TEST_COST);
  const login = await fetch(`${other.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: other.url }, body: JSON.stringify({ email: 'agent@bench.test', password: 'bench-password-1' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const socket = io(other.url, { transports: ['websocket'], extraHeaders: { cookie, origin: other.url } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const started = new Map<string, number>();
  const latencies: number[] = [];
  socket.on('message:created', (message: { text: string; direction: string }) => {
    const begun = started.get(message.text);
    if (begun !== undefined && message.direction === 'inbound') latencies.push(performance.now() - begun);
  });
  const baseline = summarise(await redisBaseline(engine.config.redisUrl));

  await atFixedRate(TOTAL, RATE, async (i) => {
    const waId = `4477${String(i).padStart(8, '0')}`;
    const text = `agent event ${i}`;
    const raw = metaJson({
      object: 'whatsapp_business_account',
      entry: [{ id: '200000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: '100000000000001' }, contacts: [{ wa_id: waId, profile: { name: `Bench ${i}` } }], messages: [{ from: waId, id: `wamid.agentbench.${Date.now()}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }] } }] }],
    });
    started.set(text, performance.now());
    const response = await request(`${engineUrl}/webhooks/whatsapp`, { method: 'POST', dispatcher: agent, body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256('demo-app-secret', raw) } });
    await response.body.text();
  });
  const deadline = Date.now() + 20_000;
  while (latencies.length < TOTAL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const lat = summarise(latencies);
  console.log(`webhook to agent event on another engine process at ${RATE}/s (${lat.n}/${TOTAL} received)`);
  console.log(`  p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms, max ${fmt(lat.max, 1)} ms   ${verdict(lat.p99 < 50, 'p99 under 50 ms')}`);
  console.log(`  baseline (bare Redis pub/sub round trip): p50 ${fmt(baseline.p50, 2)} ms, p99 ${fmt(baseline.p99, 2)} ms`);
  console.log(`  ratio p99 / baseline p99: ${fmt(lat.p99 / baseline.p99, 1)}x`);
  socket.close();
  await other.stop();
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

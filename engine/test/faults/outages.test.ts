import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createSimulator, metaJson, signatureSha256, type Simulator } from '../../../scripts/whatsapp-simulator/index.js';
import { freePort } from '../../../scripts/services/process.js';
import { dropTestData, startTestEngine } from '../support/harness.js';
import { onboardTenant, PASSWORD } from '../support/fixtures.js';
import { ApiClient } from '../support/api-client.js';
import { spawnEngine } from '../support/engine-process.js';
import { APP_SECRET, connectDemoNumber, eventually, messagesEnvelope } from '../support/whatsapp.js';
import { privateFerretdb, privateRedis, type PrivateServer } from './private-services.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts one signed inbound message the way Meta does: until it is answered 200, every 5xx,
 * timeout or refused connection is retried after a pause. A 4xx is final (Meta would drop it).
 */
async function deliver(url: string, wamid: string, from: string, outcome: Map<string, number[]>): Promise<void> {
  const raw = metaJson(messagesEnvelope([{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hello there' } }], [{ wa_id: from, profile: { name: 'Fault' } }]));
  const answers: number[] = [];
  outcome.set(wamid, answers);
  for (;;) {
    const status = await fetch(`${url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256(APP_SECRET, raw) },
      body: raw,
      signal: AbortSignal.timeout(15_000),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    answers.push(status);
    // Meta gives up after days; a test gives up once the engine has clearly not come back.
    if (status === 200 || (status >= 400 && status < 500) || answers.length > 60) return;
    await sleep(500);
  }
}

/** Samples readiness all along, labelled with the phase of the test it was taken in. */
function watchReadiness(url: string) {
  let phase = 'steady';
  let stopped = false;
  const samples: { phase: string; status: number }[] = [];
  const done = (async () => {
    while (!stopped) {
      const at = phase;
      const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
      samples.push({ phase: at, status });
      await sleep(200);
    }
  })();
  return {
    samples,
    setPhase: (next: string) => {
      phase = next;
    },
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('Outages of Redis and the database', function () {
  this.timeout(150_000);
  let redis: PrivateServer;
  let ferret: PrivateServer;
  let sim: Simulator;

  before(async () => {
    [redis, ferret] = await Promise.all([privateRedis(), privateFerretdb()]);
  });
  after(async () => {
    await sim?.close();
    await Promise.all([redis?.dispose(), ferret?.dispose()]);
  });

  it('keeps the engine up through a Redis and a database restart under webhook load, and processes every acknowledged message exactly once', async () => {
    const prefix = `f${randomBytes(4).toString('hex')}`;
    const env = { MONGODB_URI: ferret.url, REDIS_URL: redis.url, DB_PREFIX: prefix, ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const port = await freePort();
    const setup = await startTestEngine(env);
    const tenant = await onboardTenant(setup, 'faults');
    sim = await createSimulator({ port: 0, webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp`, seed: 'faults' });
    await connectDemoNumber(tenant.admin, sim);
    await setup.close();

    const engine = await spawnEngine({ ...env, PORT: String(port), SWEEP_SECONDS: '1' });
    let exited: number | null = null;
    engine.child.once('exit', (code) => {
      exited = code ?? -1;
    });
    const readiness = watchReadiness(engine.url);
    const outcome = new Map<string, number[]>();
    const deliveries: Promise<void>[] = [];
    let sending = true;
    const load = (async () => {
      for (let n = 0; sending; n++) {
        deliveries.push(deliver(engine.url, `wamid.fault.${prefix}.${n}`, `4477009100${n % 8}`, outcome));
        await sleep(100);
      }
    })();

    try {
      await sleep(2_000);
      readiness.setPhase('redis-down');
      await redis.stop('SIGKILL');
      await eventually(async () => readiness.samples.some((s) => s.phase === 'redis-down' && s.status === 503), 'readiness to say 503 while Redis is away', 10_000);
      const signIn = await new ApiClient(engine.url).post<{ error?: { code: string } }>('/api/auth/login', { email: tenant.adminEmail, password: PASSWORD });
      await sleep(3_000);
      await redis.start();
      readiness.setPhase('redis-back');
      await eventually(async () => readiness.samples.some((s) => s.phase === 'redis-back' && s.status === 200), 'readiness to say 200 once Redis is back', 20_000);
      await sleep(2_000);

      readiness.setPhase('db-down');
      await ferret.stop('SIGTERM');
      await eventually(async () => readiness.samples.some((s) => s.phase === 'db-down' && s.status === 503), 'readiness to say 503 while the database is away', 10_000);
      // Well past what the driver waits for a server (10 s), so that the webhooks of the outage's
      // first seconds cannot be stored and get their 5xx even on a loaded machine.
      await sleep(16_000);
      await ferret.start();
      readiness.setPhase('db-back');
      await eventually(async () => readiness.samples.some((s) => s.phase === 'db-back' && s.status === 200), 'readiness to say 200 once the database is back', 30_000);
      await sleep(2_000);
      sending = false;
      await load;
      await Promise.all(deliveries);

      expect(exited, 'the engine process exited').to.equal(null);
      expect({ status: signIn.status, code: signIn.body.error?.code }, 'sign-in while Redis is away').to.deep.equal({ status: 503, code: 'UNAVAILABLE' });
      const refused = [...outcome].filter(([, answers]) => answers.some((status) => status >= 400 && status < 500));
      expect(refused, 'webhooks refused with a 4xx').to.deep.equal([]);
      // An outage is a 503 (or no answer in time), never a 500: nothing is wrong with the request.
      const internal = [...outcome].filter(([, answers]) => answers.includes(500));
      expect(internal, 'webhooks answered 500').to.deep.equal([]);
      const retried = [...outcome].filter(([, answers]) => answers.length > 1).length;
      expect(retried, 'webhooks that were answered 5xx and retried').to.be.greaterThan(0);

      // Every acknowledged message ends stored once: a 200 was given only after it was stored, and
      // what failed to process during an outage is picked up again by the sweep.
      const wamids = [...outcome.keys()];
      const mongo = await MongoClient.connect(ferret.url, { directConnection: true });
      try {
        const messages = mongo.db(`${prefix}_t_${tenant.id}`).collection<{ wamid: string | null }>('messages');
        const perWamid = await eventually(
          async () => {
            const stored = await messages.find({ wamid: { $in: wamids } }, { projection: { wamid: 1 } }).toArray();
            const counts = new Map<string, number>();
            for (const doc of stored) if (doc.wamid) counts.set(doc.wamid, (counts.get(doc.wamid) ?? 0) + 1);
            return counts.size === wamids.length ? counts : undefined;
          },
          'every acknowledged message to be processed',
          60_000,
          1_000,
        );
        expect([...perWamid].filter(([, count]) => count !== 1), 'messages stored more than once').to.deep.equal([]);
        // And the work an outage interrupted is finished by the sweep, not parked as poison.
        const tenantDb = mongo.db(`${prefix}_t_${tenant.id}`);
        await eventually(async () => (await tenantDb.collection('webhook_pending').countDocuments()) === 0, 'every stored item to be processed to its end', 75_000, 1_000);
        expect(await tenantDb.collection('webhook_dead_letters').countDocuments(), 'items parked as dead letters').to.equal(0);
      } finally {
        await mongo.close();
      }
      expect(readiness.samples.at(-1)?.status).to.equal(200);
      expect(exited, 'the engine process exited').to.equal(null);
    } finally {
      sending = false;
      await readiness.stop();
      await engine.stop();
    }
    const cleanup = await startTestEngine(env);
    await dropTestData(cleanup.engine);
    await cleanup.close();
  });
});

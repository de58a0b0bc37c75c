import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { ChannelView } from '@parley/common';
import { createSimulator, DEMO_NUMBER, metaJson, signatureSha256, type Simulator } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine } from '../support/harness.js';
import { onboardTenant } from '../support/fixtures.js';
import { spawnEngine } from '../support/engine-process.js';
import { APP_SECRET, PNID, WABA, eventually, messagesEnvelope } from '../support/whatsapp.js';

const MARKER = 'POISON-7f3a9c';
const NOW = Math.floor(Date.now() / 1000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type Spawned = Awaited<ReturnType<typeof spawnEngine>>;

/** Waits for the process to die, up to `ms`: true if it did. */
async function diesWithin(engine: Spawned, ms: number): Promise<boolean> {
  if (engine.child.exitCode !== null || engine.child.signalCode !== null) return true;
  return Promise.race([new Promise<boolean>((resolve) => engine.child.once('exit', () => resolve(true))), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

describe('A message that kills the engine process', function () {
  this.timeout(240_000);

  it('is parked after its third attempt; the engine then stays up and every other message is processed', async () => {
    const prefix = `p${randomBytes(4).toString('hex')}`;
    const key = randomBytes(32).toString('base64');
    const port = await freePort();
    const setup = await startTestEngine({ DB_PREFIX: prefix, ENCRYPTION_KEY: key });
    const tenant = await onboardTenant(setup, 'poison');
    const sim: Simulator = await createSimulator({ port: 0, webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp`, seed: 'poison' });
    const connected = await tenant.admin.post<ChannelView>('/api/channels', { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: '+1 555 010 0001', accessToken: DEMO_NUMBER.accessToken, appSecret: APP_SECRET, verifyToken: 'demo-verify-token', graphBaseUrl: `${sim.url}/v23.0` });
    expect(connected.status).to.equal(201);
    await setup.close();

    // The sweep runs every half second and takes up anything unprocessed at once.
    const env = { DB_PREFIX: prefix, ENCRYPTION_KEY: key, PORT: String(port), SWEEP_SECONDS: '0.5', WEBHOOK_RETRY_AFTER_SECONDS: '0', TEST_WEBHOOK_ABORT_MARKER: MARKER };
    let engine = await spawnEngine(env);
    const body = messagesEnvelope(
      [
        { from: '447700444001', id: 'wamid.poison', timestamp: String(NOW), type: 'text', text: { body: `look ${MARKER}` } },
        { from: '447700444001', id: 'wamid.after-poison', timestamp: String(NOW + 1), type: 'text', text: { body: 'hello again' } },
        { from: '447700444002', id: 'wamid.bystander', timestamp: String(NOW + 2), type: 'text', text: { body: 'hi' } },
      ],
      [{ wa_id: '447700444001', profile: { name: 'Poisoner' } }, { wa_id: '447700444002', profile: { name: 'Bystander' } }],
    );
    const raw = metaJson(body);
    const response = await fetch(`${engine.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256(APP_SECRET, raw) }, body: raw });
    expect(response.status, 'stored and acknowledged before anything ran').to.equal(200);

    let deaths = 0;
    while (deaths < 6) {
      if (!(await diesWithin(engine, 6_000))) break;
      deaths++;
      try {
        engine = await spawnEngine(env);
      } catch {
        // It died before it said it was listening: the sweep reached the item that early.
        deaths++;
        engine = await spawnEngine(env);
      }
    }
    expect(deaths, 'the live attempt and two from the sweep').to.equal(3);
    const healthy = await fetch(`${engine.url}/readyz`);
    expect(healthy.status).to.equal(200);

    const observer = await startTestEngine({ DB_PREFIX: prefix, ENCRYPTION_KEY: key });
    try {
      const letters = await observer.engine.services.deadLetters.list();
      expect(letters.items.map((letter) => [letter.key, letter.attempts])).to.deep.equal([['msg:wamid.poison', 3]]);
      expect(letters.items[0]?.reason).to.match(/never finished in 3 attempts/);
      const messages = observer.engine.db.tenant(tenant.id).collection('messages');
      const inbound = await eventually(async () => {
        const found = await messages.find({ direction: 'inbound' }).toArray();
        return found.length >= 2 ? found.map((m) => String(m.wamid)).sort() : undefined;
      }, 'the other messages');
      expect(inbound).to.deep.equal(['wamid.after-poison', 'wamid.bystander']);
      await eventually(async () => sim.state.sends.all().filter((send) => send.waId === '447700444002').length === 1, 'the bystander\'s reply');
      expect(await diesWithin(engine, 1_500), 'the engine stays up').to.equal(false);
    } finally {
      await engine.stop();
      await sim.close();
      await dropTestData(observer.engine);
      await observer.close();
    }
  });
});

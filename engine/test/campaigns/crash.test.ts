import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { CampaignView, ChannelView } from '@parley/common';
import { createSimulator, DEMO_NUMBER, type Simulator } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { ApiClient } from '../support/api-client.js';
import { spawnEngine } from '../support/engine-process.js';
import { eventually, PNID, WABA, type WhatsAppFixture } from '../support/whatsapp.js';
import { approvedTemplate, campaignBody, customer, seedCustomers, sendsPerRecipient, simControl, unleashNumber, waIdOf } from './campaign-fixtures.js';

/** 300 in every npm test; CAMPAIGN_KILL_RECIPIENTS=10000 runs the full size. */
const RECIPIENTS = Number(process.env.CAMPAIGN_KILL_RECIPIENTS ?? 300);
/**
 * Longer than any status webhook takes to arrive: at 10,000 recipients on FerretDB the webhooks
 * queued behind a restart arrive minutes late, and a send given up before its status came would go
 * out twice (production waits 10 minutes).
 */
const GRACE_SECONDS = RECIPIENTS > 1000 ? 300 : 45;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The simulator wired to a URL of our choosing (the engine under test is another process). */
async function wire(t: TestEngine, tenant: TenantFixture, webhookUrl: string): Promise<WhatsAppFixture> {
  const sim: Simulator = await createSimulator({ port: 0, webhookUrl, seed: 'crash' });
  const connected = await tenant.admin.post<ChannelView>('/api/channels', {
    phoneNumberId: PNID,
    wabaId: WABA,
    displayPhoneNumber: '+1 555 010 0001',
    accessToken: DEMO_NUMBER.accessToken,
    appSecret: DEMO_NUMBER.appSecret,
    verifyToken: DEMO_NUMBER.verifyToken ?? 'demo-verify-token',
    graphBaseUrl: `${sim.url}/v23.0`,
  });
  if (connected.status !== 201) throw new Error(`connecting failed: ${JSON.stringify(connected.body)}`);
  return {
    sim,
    channel: connected.body,
    inject: () => Promise.reject(new Error('not used here')),
    sends: (waId) => sim.state.sends.all().filter((send) => waId === undefined || send.waId === waId),
    post: () => Promise.reject(new Error('not used here')),
    close: () => sim.close(),
  };
}

describe('Campaign sending under crashes', function () {
  this.timeout(RECIPIENTS > 1000 ? 40 * 60_000 : 20 * 60_000);

  it('sends each recipient exactly once across SIGKILLs of the engine, and the counters equal the send log', async () => {
    const prefix = `k${randomBytes(4).toString('hex')}`;
    const key = randomBytes(32).toString('base64');
    const port = await freePort();
    const setup = await startTestEngine({ DB_PREFIX: prefix, ENCRYPTION_KEY: key });
    const tenant = await onboardTenant(setup, 'crash-a');
    const wa = await wire(setup, tenant, `http://127.0.0.1:${port}/webhooks/whatsapp`);
    // The grace must outlast WhatsApp's redelivery of a status the dead engine missed (README, the
    // grace period): Meta's schedule (5 s, 15 s, 45 s, 135 s...) would pass a short one, so the
    // simulator redelivers every few seconds here, as production's 10-minute grace allows for.
    await simControl(wa, 'POST', '/settings', { readProbability: 0, retry: { initialMs: 1000, factor: 2, maxIntervalMs: 5000 } });
    await unleashNumber(setup, wa, tenant);
    const template = await approvedTemplate(wa, tenant);
    await seedCustomers(setup, tenant, Array.from({ length: RECIPIENTS }, (_, i) => customer(100_000 + i)));
    const draft = await tenant.admin.post<CampaignView>('/api/campaigns', campaignBody(template.id));
    await setup.close();

    const env = { DB_PREFIX: prefix, ENCRYPTION_KEY: key, PORT: String(port), JOBS_POLL_MS: '200', CAMPAIGN_AMBIGUOUS_GRACE_SECONDS: String(GRACE_SECONDS), CAMPAIGN_REARM_SECONDS: '2', CAMPAIGN_SETTLE_SECONDS: '2' };
    let engine = await spawnEngine(env);
    const client = new ApiClient(engine.url);
    await client.login(tenant.adminEmail, PASSWORD);
    expect((await client.post(`/api/campaigns/${draft.body.id}/launch`)).status).to.equal(200);

    let kills = 0;
    for (const share of [0.2, 0.45, 0.7]) {
      await eventually(async () => sendsPerRecipient(wa).size >= RECIPIENTS * share, `${share * 100}% sent`, 10 * 60_000);
      engine.child.kill('SIGKILL');
      await new Promise((resolve) => engine.child.once('exit', resolve));
      kills++;
      engine = await spawnEngine(env);
    }
    // Each look counts every recipient, which FerretDB does by reading them all: not too often.
    const done = await eventually(async () => {
      const view = await client.get<CampaignView>(`/api/campaigns/${draft.body.id}`);
      return view.body.status === 'completed' ? view.body : undefined;
    }, 'the campaign to complete', 10 * 60_000, 2000);
    await engine.stop();

    const sends = sendsPerRecipient(wa);
    const twice = [...sends].filter(([, count]) => count > 1).map(([waId]) => waId);
    const lost = Array.from({ length: RECIPIENTS }, (_, i) => waIdOf(100_000 + i)).filter((waId) => !sends.has(waId));
    expect(kills).to.equal(3);
    expect(twice, 'recipients sent twice').to.deep.equal([]);
    expect(lost, 'recipients never sent').to.deep.equal([]);
    expect(done.counters).to.include({ total: RECIPIENTS, sent: sends.size, failed: 0, queued: 0 });

    await wa.close();
    const cleanup = await startTestEngine({ DB_PREFIX: prefix, ENCRYPTION_KEY: key });
    await cleanup.engine.services.campaigns.stop();
    await dropTestData(cleanup.engine);
    await cleanup.close();
  });
});

// 400 in every npm test; CAMPAIGN_TWIN_RECIPIENTS sets another size.
describe('Campaign sending from two engine processes', function () {
  this.timeout(10 * 60_000);

  it('sends each recipient once when two processes dispatch the same campaign at the same time', async () => {
    // A send claimed by a batch that then failed waits out the grace period: keep it short here.
    const a = await startTestEngine({ CAMPAIGN_AMBIGUOUS_GRACE_SECONDS: '20' });
    const b = await startTestEngine({ DB_PREFIX: a.engine.config.dbPrefix, ENCRYPTION_KEY: a.engine.config.encryptionKey.toString('base64'), CAMPAIGN_AMBIGUOUS_GRACE_SECONDS: '20' });
    const tenant = await onboardTenant(a, 'twin-a');
    const wa = await wire(a, tenant, `${a.url}/webhooks/whatsapp`);
    await unleashNumber(a, wa, tenant);
    const template = await approvedTemplate(wa, tenant);
    const count = Number(process.env.CAMPAIGN_TWIN_RECIPIENTS ?? 400);
    await seedCustomers(a, tenant, Array.from({ length: count }, (_, i) => customer(200_000 + i)));
    const draft = await tenant.admin.post<CampaignView>('/api/campaigns', campaignBody(template.id));
    // Its own job runs on the first process; both processes also run batches of it, twice each.
    await tenant.admin.post(`/api/campaigns/${draft.body.id}/launch`);
    // Each driver runs batches until everyone was sent (sends left unconfirmed by the other
    // process wait for their status webhook, so a batch may find nothing to do for a while).
    const drive = async (engine: TestEngine) => {
      while (sendsPerRecipient(wa).size < count) {
        // A batch that fails (a busy database) is run again, as the dispatch job does.
        const next = await engine.engine.services.campaigns.dispatcher.runBatch(tenant.id, draft.body.id).catch(() => new Date(Date.now() + 500));
        if (next === null) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(50, Math.min(500, next.getTime() - Date.now()))));
      }
    };
    await Promise.all([drive(a), drive(b), drive(a), drive(b)]);
    // A second send of anyone would come from a batch still under way: let those finish.
    await Promise.all([a.engine.services.webhooks.idle(), b.engine.services.webhooks.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);

    const sends = sendsPerRecipient(wa);
    expect(sends.size).to.equal(count);
    expect([...sends.values()].filter((n) => n > 1)).to.deep.equal([]);

    await wa.close();
    await a.engine.services.campaigns.stop();
    await b.engine.services.campaigns.stop();
    await b.close();
    await dropTestData(a.engine);
    await a.close();
  });
});

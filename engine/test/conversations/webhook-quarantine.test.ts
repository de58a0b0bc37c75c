import { expect } from 'chai';
import type { AuditEntryView, DeadLetterList } from '@parley/common';
import { WebhooksService, type ChannelLookup } from '../../src/domains/webhooks/index.js';
import type { WebhookItem } from '../../src/platform/whatsapp/webhook-payload.js';
import { signatureSha256 } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, platformAdminClient, type TenantFixture } from '../support/fixtures.js';
import { APP_SECRET, PNID, WABA, connectWhatsApp, eventually, messagesEnvelope, type WhatsAppFixture } from '../support/whatsapp.js';
import type { ApiClient } from '../support/api-client.js';

const NOW = Math.floor(Date.now() / 1000);

function textOf(item: WebhookItem): string {
  if (item.kind !== 'message') return '';
  const text = item.message.text as { body?: unknown } | undefined;
  return typeof text?.body === 'string' ? text.body : '';
}

describe('Poison-message quarantine', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let platform: ApiClient;
  let lookup: ChannelLookup;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'quarantine');
    wa = await connectWhatsApp(t, tenant);
    platform = await platformAdminClient(t);
    const channel = { tenantId: tenant.id, phoneNumberId: PNID, wabaId: WABA, graphBaseUrl: '', accessToken: '', appSecret: APP_SECRET, verifyToken: '', throughput: 80 };
    lookup = { byPhoneNumberId: async () => channel, byWabaId: async () => channel, verifyTokens: async () => [] };
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  const pending = () => t.engine.db.tenant(tenant.id).collection('webhook_pending');
  const markOf = (key: string) => pending().findOne({ _id: key as never });
  const deadLetters = async () => (await platform.get<DeadLetterList>('/api/admin/dead-letters')).body;

  /** Stores and processes messages of one customer, in this order, through `service`. */
  async function deliver(service: WebhooksService, waId: string, texts: { id: string; body: string }[]): Promise<void> {
    const raw = Buffer.from(JSON.stringify(messagesEnvelope(texts.map((text, i) => ({ from: waId, id: text.id, timestamp: String(NOW + i), type: 'text', text: { body: text.body } })), [{ wa_id: waId, profile: { name: 'Q' } }])));
    const { tenantItems } = await service.receive(raw, signatureSha256(APP_SECRET, raw));
    service.processLater(tenantItems);
  }

  it('parks an item whose processing fails three times, with the reason, and no sweep runs it again', async () => {
    const service = new WebhooksService(t.engine.db, lookup, t.engine.logger, { maxAttempts: 3 });
    const runs: string[] = [];
    service.on('message', async (_tenantId, item) => {
      runs.push(item.key);
      if (textOf(item).includes('explode')) throw new Error('the handler exploded');
    });
    await deliver(service, '447700333001', [{ id: 'wamid.q.error', body: 'please explode' }, { id: 'wamid.q.after-error', body: 'and then hello' }]);
    await service.idle();
    expect(runs, 'the customer\'s next message went on').to.deep.equal(['msg:wamid.q.error', 'msg:wamid.q.after-error']);
    expect(await markOf('msg:wamid.q.error')).to.deep.include({ attempts: 1, lastError: 'Error: the handler exploded' });
    for (let i = 0; i < 4; i++) await service.sweep(tenant.id, 0);
    expect(runs.filter((key) => key === 'msg:wamid.q.error'), 'three attempts, then never again').to.have.length(3);
    const mark = await markOf('msg:wamid.q.error');
    expect(mark?.attempts).to.equal(3);
    expect(mark?.parkedAt).to.be.instanceOf(Date);
    const listed = (await deadLetters()).items.find((letter) => letter.key === 'msg:wamid.q.error');
    expect(listed).to.deep.include({ tenantId: tenant.id, tenantName: 'Tenant quarantine', kind: 'message', reason: 'Error: the handler exploded', attempts: 3 });
    expect(listed?.payloadBytes).to.be.above(100);
    expect(await markOf('msg:wamid.q.after-error'), 'the other message is done').to.equal(null);
  });

  it('does not spend attempts on failures of a dependency that is away: an outage parks nothing', async () => {
    const service = new WebhooksService(t.engine.db, lookup, t.engine.logger, { maxAttempts: 3 });
    let failures = 5;
    const done: string[] = [];
    service.on('message', async (_tenantId, item) => {
      if (failures-- > 0) throw Object.assign(new Error('Reached the max retries per request limit (which is 1)'), { name: 'MaxRetriesPerRequestError' });
      done.push(item.key);
    });
    await deliver(service, '447700333009', [{ id: 'wamid.q.outage', body: 'hello during an outage' }]);
    await service.idle();
    for (let i = 0; i < 5; i++) await service.sweep(tenant.id, 0);
    expect(done, 'processed once the dependency was back').to.deep.equal(['msg:wamid.q.outage']);
    expect(await markOf('msg:wamid.q.outage')).to.equal(null);
    expect((await deadLetters()).items.map((letter) => letter.key)).to.not.include('msg:wamid.q.outage');
  });

  it('counts outage failures as attempts once the item is over an hour old, so nothing is retried for ever', async () => {
    const service = new WebhooksService(t.engine.db, lookup, t.engine.logger, { maxAttempts: 3 });
    let runs = 0;
    service.on('message', async () => {
      runs++;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    });
    await deliver(service, '447700333010', [{ id: 'wamid.q.stale-outage', body: 'hello' }]);
    await service.idle();
    await pending().updateOne({ _id: 'msg:wamid.q.stale-outage' as never }, { $set: { receivedAt: new Date(Date.now() - 2 * 3_600_000) } });
    for (let i = 0; i < 5; i++) await service.sweep(tenant.id, 0);
    expect(runs, 'the fresh attempt was given back, then three counted').to.equal(4);
    expect((await markOf('msg:wamid.q.stale-outage'))?.parkedAt).to.be.instanceOf(Date);
  });

  it('gives up an item that hangs past its time limit, so the same customer\'s next message goes on, and parks it after three', async () => {
    const service = new WebhooksService(t.engine.db, lookup, t.engine.logger, { itemTimeoutMs: 150 });
    const done: string[] = [];
    service.on('message', async (_tenantId, item) => {
      if (textOf(item).includes('hang')) await new Promise(() => undefined);
      done.push(item.key);
    });
    const started = Date.now();
    await deliver(service, '447700333002', [{ id: 'wamid.q.hang', body: 'hang forever' }, { id: 'wamid.q.after-hang', body: 'hello' }]);
    await eventually(async () => done.includes('msg:wamid.q.after-hang'), 'the next message');
    expect(Date.now() - started).to.be.below(5_000);
    expect((await markOf('msg:wamid.q.hang'))?.lastError).to.match(/longer than 150 ms/);
    await service.sweep(tenant.id, 0);
    await service.sweep(tenant.id, 0);
    expect((await markOf('msg:wamid.q.hang'))?.parkedAt).to.be.instanceOf(Date);
    expect((await deadLetters()).items.map((letter) => letter.key)).to.include('msg:wamid.q.hang');
  });

  it('parks an item whose attempts never finished (the process died) without running it again', async () => {
    const service = new WebhooksService(t.engine.db, lookup, t.engine.logger);
    let runs = 0;
    service.on('message', async () => {
      runs++;
    });
    const raw = Buffer.from(JSON.stringify(messagesEnvelope([{ from: '447700333003', id: 'wamid.q.died', timestamp: String(NOW), type: 'text', text: { body: 'x' } }], [{ wa_id: '447700333003' }])));
    await service.receive(raw, signatureSha256(APP_SECRET, raw));
    // As three crashed attempts leave it: counted, never finished, no error recorded.
    await pending().updateOne({ _id: 'msg:wamid.q.died' as never }, { $set: { attempts: 3 } });
    await service.sweep(tenant.id, 0);
    expect(runs).to.equal(0);
    const listed = (await deadLetters()).items.find((letter) => letter.key === 'msg:wamid.q.died');
    expect(listed?.reason).to.match(/never finished in 3 attempts/);
  });

  it('lets a platform admin retry a dead letter: processed again at once, taken off the list, audited', async () => {
    const { items, count } = await deadLetters();
    const letter = items.find((item) => item.key === 'msg:wamid.q.died');
    expect(count).to.be.at.least(3);
    const retried = await platform.post(`/api/admin/dead-letters/${encodeURIComponent(letter?.id ?? '')}/retry`);
    expect(retried.status).to.equal(200);
    await t.engine.services.webhooks.idle();
    await eventually(async () => (await markOf('msg:wamid.q.died')) === null, 'the retried item processed');
    expect(wa.sends('447700333003'), 'the bot answered it').to.have.length(1);
    expect((await deadLetters()).items.map((item) => item.key)).to.not.include('msg:wamid.q.died');
    const audit = await platform.get<AuditEntryView[]>('/api/admin/audit?action=webhook.dead_letter_retried');
    expect(audit.body[0]).to.deep.include({ action: 'webhook.dead_letter_retried', target: { type: 'dead_letter', id: letter?.id, label: 'msg:wamid.q.died' } });
    expect(audit.body[0]?.actor.email).to.equal(t.platformAdmin.email);
  });

  it('lets a platform admin discard a dead letter: never processed, kept out of every sweep, audited', async () => {
    const letter = (await deadLetters()).items.find((item) => item.key === 'msg:wamid.q.hang');
    const discarded = await platform.post(`/api/admin/dead-letters/${encodeURIComponent(letter?.id ?? '')}/discard`);
    expect(discarded.status).to.equal(200);
    expect(await markOf('msg:wamid.q.hang')).to.equal(null);
    expect(await t.engine.db.tenant(tenant.id).collection('webhook_events').countDocuments({ _id: 'msg:wamid.q.hang' as never }), 'kept to recognise a redelivery').to.equal(1);
    await t.engine.sweep();
    expect(wa.sends('447700333002')).to.have.length(0);
    expect((await deadLetters()).items.map((item) => item.key)).to.not.include('msg:wamid.q.hang');
    const audit = await platform.get<AuditEntryView[]>('/api/admin/audit?action=webhook.dead_letter_discarded');
    expect(audit.body[0]?.target.id).to.equal(letter?.id);
    expect((await platform.post(`/api/admin/dead-letters/${encodeURIComponent(letter?.id ?? '')}/discard`)).status, 'gone').to.equal(404);
  });

  it('shows dead letters to platform admins only', async () => {
    expect((await tenant.admin.get('/api/admin/dead-letters')).status).to.equal(403);
  });
});

import { expect } from 'chai';
import { WebhooksService, type IntakePace } from '../../src/domains/webhooks/index.js';
import { signatureSha256 } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { APP_SECRET, PNID, WABA, connectWhatsApp, conversationOf, detailOf, eventually, messagesEnvelope, statusesEnvelope, type WhatsAppFixture } from '../support/whatsapp.js';

/** Items carry the time they happened; anything older than the retention window is taken for a replay. */
const NOW = Math.floor(Date.now() / 1000);

describe('WhatsApp webhook intake', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'intake');
    wa = await connectWhatsApp(t, tenant);
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  const storedCount = () => t.engine.db.tenant(tenant.id).collection('webhook_events').countDocuments();

  it('processes one item at a time while a burst of webhooks is being stored, and side by side once it has passed or the backlog grows long', async () => {
    const channel = { tenantId: tenant.id, phoneNumberId: PNID, wabaId: WABA, graphBaseUrl: '', accessToken: '', appSecret: APP_SECRET, verifyToken: '', throughput: 80 };
    const lookup = { byPhoneNumberId: async () => channel, byWabaId: async () => channel, verifyTokens: async () => [] };
    const burst = async (pace: IntakePace, label: string) => {
      const service = new WebhooksService(t.engine.db, lookup, t.engine.logger, { pace });
      let running = 0;
      let most = 0;
      const handled: string[] = [];
      service.on('message', async (_tenantId, item) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(item.key);
        running--;
      });
      const raws = Array.from({ length: 8 }, (_, i) => {
        const waId = `44770095${label}${String(i).padStart(2, '0')}`;
        return Buffer.from(JSON.stringify(messagesEnvelope([{ from: waId, id: `wamid.pace.${label}.${i}`, timestamp: String(NOW + i), type: 'text', text: { body: 'hi' } }], [{ wa_id: waId, profile: { name: 'Pace' } }])));
      });
      const received = await Promise.all(raws.map((raw) => service.receive(raw, signatureSha256(APP_SECRET, raw))));
      for (const { tenantItems } of received) service.processLater(tenantItems);
      await service.idle();
      expect(handled, label).to.have.length(8);
      return most;
    };
    // Eight requests at once make the intake busy; it stays so for the linger time after them.
    expect(await burst({ workers: 4, busyIntake: 4, busyLingerMs: 60_000, backlogLimit: 100 }, '10')).to.equal(1);
    // With no linger, the requests are over by the time their items are processed.
    expect(await burst({ workers: 4, busyIntake: 4, busyLingerMs: 0, backlogLimit: 100 }, '20')).to.equal(4);
    // A backlog past its limit is worked off by every worker, busy intake or not.
    expect(await burst({ workers: 4, busyIntake: 4, busyLingerMs: 60_000, backlogLimit: 4 }, '30')).to.equal(4);
  });

  it('answers the verification handshake with the challenge, and 403 to a wrong token', async () => {
    const ok = await fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=1158201444`);
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.equal('1158201444');
    const wrong = await fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).to.equal(403);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const before = await storedCount();
    const body = messagesEnvelope([{ from: '15550001111', id: 'wamid.unsigned', timestamp: String(NOW), type: 'text', text: { body: 'hi' } }], [{ wa_id: '15550001111', profile: { name: 'X' } }]);
    expect((await wa.post(body, { secret: 'wrong-secret' })).status).to.equal(401);
    expect((await wa.post(body, { secret: null })).status).to.equal(401);
    expect(await storedCount()).to.equal(before);
  });

  it('refuses malformed and oversized payloads with a clear 4xx', async () => {
    const malformed = '{"object":';
    const signedMalformed = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256(APP_SECRET, Buffer.from(malformed)) }, body: malformed });
    expect(signedMalformed.status).to.equal(400);
    const wrongShape = await wa.post({ object: 'page', entry: [] });
    expect(wrongShape.status).to.equal(400);
    const huge = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(3_200_000) });
    expect(huge.status).to.equal(413);
  });

  it('creates the customer and conversation from an inbound message and answers with the bot', async () => {
    // WhatsApp reports this Brazilian mobile without its ninth digit; the customer keeps the full number.
    const { wamid } = await wa.inject({ from: '5511987654321', name: 'Ana Conceição', type: 'text', text: { body: 'olá' } });
    const conversation = await eventually(() => conversationOf(tenant, '551187654321'), 'the conversation');
    expect(conversation.customer).to.deep.include({ name: 'Ana Conceição', phone: '+5511987654321', waId: '551187654321' });
    const replies = await eventually(async () => (wa.sends('551187654321').length > 0 ? wa.sends('551187654321') : undefined), 'the bot reply');
    expect(replies).to.have.length(1);
    const detail = await detailOf(tenant, conversation.id);
    expect(detail.messages.map((m) => m.direction)).to.deep.equal(['inbound', 'outbound']);
    expect(detail.messages[0]?.wamid).to.equal(wamid);
  });

  it('stores exactly one message and sends one bot reply per inbound under a duplicate-and-shuffle storm', async () => {
    const customers = Array.from({ length: 8 }, (_, i) => `4477009000${String(i).padStart(2, '0')}`);
    const bodies = customers.map((waId, i) =>
      messagesEnvelope([{ from: waId, id: `wamid.storm.${i}`, timestamp: String(NOW + i), type: 'text', text: { body: 'hello' } }], [{ wa_id: waId, profile: { name: `Storm ${i}` } }]),
    );
    const deliveries = bodies.flatMap((body) => [body, body, body]).sort(() => Math.random() - 0.5);
    const statuses = await Promise.all(deliveries.map((body) => wa.post(body)));
    expect(statuses.every((response) => response.status === 200)).to.equal(true);
    await t.engine.services.webhooks.idle();
    for (const waId of customers) {
      const conversation = await eventually(() => conversationOf(tenant, waId), `conversation of ${waId}`);
      const detail = await detailOf(tenant, conversation.id);
      expect(detail.messages.filter((m) => m.direction === 'inbound'), waId).to.have.length(1);
      await eventually(async () => wa.sends(waId).length === 1, `one reply to ${waId}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const waId of customers) expect(wa.sends(waId), waId).to.have.length(1);
  });

  it('moves statuses only forward: read before delivered, then a late sent, converge to read', async () => {
    const conversation = await eventually(() => conversationOf(tenant, '551187654321'), 'the conversation');
    const outbound = (await detailOf(tenant, conversation.id)).messages.find((m) => m.direction === 'outbound');
    const wamid = outbound?.wamid ?? '';
    const status = (s: string, ts: number) => ({ id: wamid, status: s, timestamp: String(ts), recipient_id: '551187654321' });
    for (const s of [status('read', NOW + 3), status('delivered', NOW + 2), status('sent', NOW + 1)]) expect((await wa.post(statusesEnvelope([s]))).status).to.equal(200);
    await t.engine.services.webhooks.idle();
    const after = (await detailOf(tenant, conversation.id)).messages.find((m) => m.wamid === wamid);
    expect(after?.status).to.equal('read');
    await wa.post(statusesEnvelope([{ ...status('failed', NOW + 4), errors: [{ code: 131026, title: 'Undeliverable' }] }]));
    await t.engine.services.webhooks.idle();
    expect((await detailOf(tenant, conversation.id)).messages.find((m) => m.wamid === wamid)?.status).to.equal('read');
  });

  it('updates five messages from one batched payload of five statuses', async () => {
    const waIds = Array.from({ length: 5 }, (_, i) => `4477009000${String(i).padStart(2, '0')}`);
    const wamids = waIds.map((waId) => wa.sends(waId)[0]?.id ?? '');
    expect(wamids.every(Boolean)).to.equal(true);
    const response = await wa.post(statusesEnvelope(wamids.map((id, i) => ({ id, status: 'delivered', timestamp: String(NOW + 100), recipient_id: waIds[i] }))));
    expect(response.status).to.equal(200);
    await t.engine.services.webhooks.idle();
    const messages = t.engine.db.tenant(tenant.id).collection('messages');
    expect(await messages.countDocuments({ wamid: { $in: wamids }, status: { $in: ['delivered', 'read'] } })).to.equal(5);
  });

  it('settles a send whose answer was lost from the status carrying biz_opaque_callback_data', async () => {
    const messages = t.engine.db.tenant(tenant.id).collection('messages');
    const conversation = await eventually(() => conversationOf(tenant, '551187654321'), 'the conversation');
    await messages.insertOne({ conversationId: conversation.id, key: 'lost-answer-key', direction: 'outbound', type: 'text', text: 'lost', at: new Date(), author: { kind: 'bot', id: null, name: 'Bot' }, wamid: null, status: 'pending', statusRank: 0, error: null, attemptedAt: new Date(), payload: null });
    await wa.post(statusesEnvelope([{ id: 'wamid.recovered', status: 'sent', timestamp: String(NOW + 200), recipient_id: '551187654321', biz_opaque_callback_data: 'lost-answer-key' }]));
    await t.engine.services.webhooks.idle();
    const settled = await messages.findOne({ key: 'lost-answer-key' });
    expect(settled).to.deep.include({ wamid: 'wamid.recovered', status: 'sent' });
  });

  it('handles a username user without wa_id and replies with recipient', async () => {
    await wa.inject({ userId: 'BR.1502576394655843', username: true, name: 'Lia', type: 'text', text: { body: 'hello' } });
    const reply = await eventually(async () => wa.sim.state.sends.all().find((send) => send.userId === 'BR.1502576394655843' && send.recipient !== null), 'a reply by recipient');
    expect(reply.to).to.equal(null);
  });

  it('processes an item stored but never processed (a crash after the 200) on the next sweep', async () => {
    const events = t.engine.db.tenant(tenant.id).collection('webhook_events');
    const item = { kind: 'message', key: 'msg:wamid.crashed', phoneNumberId: wa.channel.phoneNumberId, wabaId: wa.channel.wabaId, message: { id: 'wamid.crashed', from: '447700111222', type: 'text', timestamp: String(NOW + 300), text: { body: 'hello' } }, contact: { waId: '447700111222', userId: null, name: 'Crash' } };
    const pending = t.engine.db.tenant(tenant.id).collection('webhook_pending');
    const receivedAt = new Date(Date.now() - 60_000);
    // As the intake stores an item before its 200: marked pending, then stored.
    await pending.insertOne({ _id: 'msg:wamid.crashed' as never, receivedAt, attempts: 0, lastError: null });
    await events.insertOne({ _id: 'msg:wamid.crashed' as never, kind: 'message', item, receivedAt });
    // A mark whose item never got stored (the request failed before its 200) is dropped.
    await pending.insertOne({ _id: 'msg:wamid.never-stored' as never, receivedAt, attempts: 0, lastError: null });
    await t.engine.sweep();
    await eventually(async () => wa.sends('447700111222').length === 1, 'the reply after the sweep');
    expect(await pending.countDocuments({ _id: { $in: ['msg:wamid.crashed', 'msg:wamid.never-stored'] } as never })).to.equal(0);
    expect(await events.countDocuments({ _id: 'msg:wamid.crashed' as never })).to.equal(1);
  });

  it('marks each stored item pending until it is processed', async () => {
    const pending = t.engine.db.tenant(tenant.id).collection('webhook_pending');
    const raw = Buffer.from(JSON.stringify(messagesEnvelope([{ from: '447700111333', id: 'wamid.marked', timestamp: String(NOW + 350), type: 'text', text: { body: 'hi' } }], [{ wa_id: '447700111333', profile: { name: 'Mark' } }])));
    const { tenantItems } = await t.engine.services.webhooks.receive(raw, signatureSha256(APP_SECRET, raw));
    expect(await pending.countDocuments({ _id: 'msg:wamid.marked' as never }), 'pending once stored').to.equal(1);
    t.engine.services.webhooks.processLater(tenantItems);
    await t.engine.services.webhooks.idle();
    expect(await pending.countDocuments({ _id: 'msg:wamid.marked' as never }), 'gone once processed').to.equal(0);
  });

  it('finds the stored, unprocessed status of a campaign send by the claim id it carried, and processes it', async () => {
    const webhooks = t.engine.services.webhooks;
    const claim = 'cmp:0123456789abcdef01234567:15550002222:0';
    const other = 'cmp:0123456789abcdef01234567:15550003333:0';
    const status = (id: string, value: string, callback: string) => ({ id, status: value, timestamp: String(NOW + 400), recipient_id: '15550002222', biz_opaque_callback_data: callback });
    const raw = Buffer.from(JSON.stringify(statusesEnvelope([status('wamid.lost-answer', 'sent', claim), status('wamid.lost-answer', 'delivered', claim), status('wamid.other', 'sent', other)])));
    // Stored as the intake does before its 200, and left unprocessed, as a crash right after it would.
    await webhooks.receive(raw, signatureSha256(APP_SECRET, raw));
    const pending = t.engine.db.tenant(tenant.id).collection('webhook_pending');
    const processed = async (key: string) => (await pending.countDocuments({ _id: key as never })) === 0;
    expect(await processed('st:wamid.lost-answer:sent')).to.equal(false);

    expect(await webhooks.applyStoredStatuses(tenant.id, [claim, 'cmp:0123456789abcdef01234567:15550004444:0'])).to.equal(2);
    expect(await processed('st:wamid.lost-answer:sent')).to.equal(true);
    expect(await processed('st:wamid.lost-answer:delivered')).to.equal(true);
    expect(await processed('st:wamid.other:sent'), 'another send is left to its own turn').to.equal(false);
    expect(await webhooks.applyStoredStatuses(tenant.id, [claim]), 'a processed status is not processed again').to.equal(0);
  });
  it('prunes stored items older than the retention, keeping any still waiting to be processed', async () => {
    const db = t.engine.db.tenant(tenant.id);
    const [events, pending, callbacks] = [db.collection('webhook_events'), db.collection('webhook_pending'), db.collection('webhook_callbacks')];
    const old = new Date(Date.now() - 8 * 86_400_000);
    const recent = new Date(Date.now() - 86_400_000);
    const item = (key: string) => ({ kind: 'event', item: { kind: 'event', key }, receivedAt: key.includes('recent') ? recent : old });
    for (const key of ['ev:prune-old', 'ev:prune-dead', 'ev:prune-waiting', 'ev:prune-recent']) await events.insertOne({ _id: key as never, ...item(key) });
    await pending.insertOne({ _id: 'ev:prune-dead' as never, receivedAt: old, attempts: 10, lastError: 'boom' });
    await pending.insertOne({ _id: 'ev:prune-waiting' as never, receivedAt: old, attempts: 2, lastError: 'boom' });
    await callbacks.insertOne({ _id: 'cb:prune-old|sent' as never, key: 'ev:prune-old', receivedAt: old });
    await callbacks.insertOne({ _id: 'cb:prune-waiting|sent' as never, key: 'ev:prune-waiting', receivedAt: old });
    // A lookup stored before lookups carried their time, in a database not yet marked as having had them stamped.
    await callbacks.insertOne({ _id: 'cb:prune-legacy|sent' as never, key: 'ev:prune-legacy' });
    await db.collection('schema_marks').deleteOne({ _id: 'once:webhook-callbacks-received-at' as never });

    const webhooks = t.engine.services.webhooks;
    expect(await webhooks.prune(tenant.id, 7 * 86_400_000, 0)).to.deep.equal({ events: 2, callbacks: 1, marks: 1 });
    const left = async (collection: typeof events, ids: string[]) => (await collection.find({ _id: { $in: ids as never[] } }).toArray()).map((doc) => String(doc._id)).sort();
    expect(await left(events, ['ev:prune-old', 'ev:prune-dead', 'ev:prune-waiting', 'ev:prune-recent'])).to.deep.equal(['ev:prune-recent', 'ev:prune-waiting']);
    expect(await left(pending, ['ev:prune-dead', 'ev:prune-waiting'])).to.deep.equal(['ev:prune-waiting']);
    expect(await left(callbacks, ['cb:prune-old|sent', 'cb:prune-waiting|sent'])).to.deep.equal(['cb:prune-waiting|sent']);
    const legacy = await callbacks.findOne({ _id: 'cb:prune-legacy|sent' as never });
    expect(legacy?.receivedAt, 'a lookup without a time is kept and given the time of the prune').to.be.instanceOf(Date);
    expect(Date.now() - (legacy?.receivedAt as Date).getTime()).to.be.below(60_000);
    expect(await webhooks.prune(tenant.id, 7 * 86_400_000), 'not again within the hour').to.equal(null);
    await pending.deleteOne({ _id: 'ev:prune-waiting' as never });
    // A retention period after that time, it goes like the others.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await webhooks.prune(tenant.id, 1, 0);
    expect(await left(callbacks, ['cb:prune-legacy|sent', 'cb:prune-waiting|sent'])).to.deep.equal([]);
  });
});

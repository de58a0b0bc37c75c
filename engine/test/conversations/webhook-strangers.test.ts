import { expect } from 'chai';
import { ChannelCache } from '../../src/domains/channels/channel-cache.js';
import type { OpenChannel } from '../../src/domains/channels/index.js';
import { signatureSha256 } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { APP_SECRET, PNID, WABA, connectWhatsApp, messagesEnvelope, type WhatsAppFixture } from '../support/whatsapp.js';

const NOW = Math.floor(Date.now() / 1000);

function envelopeFor(phoneNumberId: string, wamid: string, timestamp = NOW) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: phoneNumberId }, contacts: [{ wa_id: '447700222000', profile: { name: 'S' } }], messages: [{ from: '447700222000', id: wamid, timestamp: String(timestamp), type: 'text', text: { body: 'hi' } }] } }] }],
  };
}

describe(ChannelCache.name, () => {
  const channel = (id: string): OpenChannel => ({ tenantId: 't', phoneNumberId: id, wabaId: '200000000000001', graphBaseUrl: '', accessToken: '', appSecret: 's', verifyToken: '', throughput: 80 });

  it('keeps at most its capacity of each kind of entry, forgetting the least recently used', () => {
    const cache = new ChannelCache({ known: 2, unknown: 3, wabas: 2, ttlMs: 60_000 });
    cache.set('100001', channel('100001'));
    cache.set('100002', channel('100002'));
    expect(cache.get('100001')?.phoneNumberId).to.equal('100001');
    cache.set('100003', channel('100003'));
    expect(cache.get('100002'), 'least recently used goes').to.equal(undefined);
    expect(cache.get('100001')?.phoneNumberId).to.equal('100001');
    for (let i = 0; i < 1000; i++) cache.set(String(900_000 + i), null);
    for (let i = 0; i < 1000; i++) cache.setWabaNumber(String(800_000 + i), null);
    expect(cache.sizes()).to.deep.equal({ known: 2, unknown: 3, wabas: 2 });
    expect(cache.get('100001'), 'made-up ids never push a connected number out').to.not.equal(undefined);
  });

  it('forgets entries older than its lifetime, and what a connection change may have made wrong', async () => {
    const cache = new ChannelCache({ known: 10, unknown: 10, wabas: 10, ttlMs: 20 });
    cache.set('100001', channel('100001'));
    cache.set('100009', null);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cache.get('100001')).to.equal(undefined);
    cache.set('100001', channel('100001'));
    cache.set('100009', null);
    cache.setWabaNumber('200009', null);
    cache.delete('100009');
    expect(cache.get('100009'), 'a number just connected is read again').to.equal(undefined);
    expect(cache.wabaNumber('200009')).to.equal(undefined);
    expect(cache.get('100001')?.phoneNumberId).to.equal('100001');
  });
});

describe('Webhook intake facing strangers', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'strangers');
    wa = await connectWhatsApp(t, tenant);
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  const stored = (key: string) => t.engine.db.tenant(tenant.id).collection('webhook_events').countDocuments({ _id: key as never });

  it('answers a number that is not connected exactly as it answers a wrong signature', async () => {
    const unknown = await wa.post(envelopeFor('100000000000999', 'wamid.stranger.unknown'));
    const wrongSecret = await wa.post(envelopeFor(PNID, 'wamid.stranger.forged'), { secret: 'not-the-app-secret' });
    expect(unknown.status).to.equal(401);
    expect(wrongSecret.status).to.equal(401);
    expect(await unknown.json()).to.deep.equal(await wrongSecret.json());
    expect(await stored('msg:wamid.stranger.forged')).to.equal(0);
  });

  it('refuses a POST without a well-formed signature before reading its body', async () => {
    const unsigned = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not even json' });
    const malformedHeader = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=zz' }, body: '{}' });
    expect([unsigned.status, malformedHeader.status]).to.deep.equal([401, 401]);
  });

  it('does not look up, nor remember, ids that are not digits of a sensible length', async () => {
    const channels = t.engine.services.channels;
    const before = channels.cache.sizes();
    expect(await channels.byPhoneNumberId('9'.repeat(10_000))).to.equal(null);
    expect(await channels.byPhoneNumberId('not-a-number')).to.equal(null);
    expect(await channels.byWabaId('1'.repeat(5_000))).to.equal(null);
    expect(channels.cache.sizes()).to.deep.equal(before);
    const long = await wa.post(envelopeFor('9'.repeat(3_000), 'wamid.stranger.long'));
    expect(long.status).to.equal(400);
  });

  it('keeps its memory of numbers bounded whatever ids strangers send', async function () {
    this.timeout(60_000);
    const channels = t.engine.services.channels;
    const { unknown: cap } = channels.cache.limits;
    for (let i = 0; i < cap + 50; i++) await channels.byPhoneNumberId(String(300_000_000_000 + i));
    expect(channels.cache.sizes().unknown).to.be.at.most(cap);
    expect((await channels.byPhoneNumberId(PNID))?.tenantId, 'the connected number still resolves').to.equal(tenant.id);
  });

  it('acknowledges an item older than the retention window and ignores it, storing the rest of the POST', async () => {
    const old = NOW - 8 * 86_400;
    const body = messagesEnvelope(
      [
        { from: '447700222111', id: 'wamid.replayed', timestamp: String(old), type: 'text', text: { body: 'old news' } },
        { from: '447700222111', id: 'wamid.fresh', timestamp: String(NOW), type: 'text', text: { body: 'new' } },
      ],
      [{ wa_id: '447700222111', profile: { name: 'Replay' } }],
    );
    const response = await wa.post(body);
    expect(response.status).to.equal(200);
    await t.engine.services.webhooks.idle();
    expect(await stored('msg:wamid.replayed'), 'the replay').to.equal(0);
    expect(await stored('msg:wamid.fresh'), 'its fresh neighbour').to.equal(1);
    const messages = t.engine.db.tenant(tenant.id).collection('messages');
    expect(await messages.countDocuments({ wamid: 'wamid.replayed' })).to.equal(0);
  });

  it('keeps the connected number\'s items of a POST that also names a number not connected here', async () => {
    const mixed = envelopeFor(PNID, 'wamid.mixed.ours');
    const other = envelopeFor('100000000000998', 'wamid.mixed.theirs').entry[0];
    if (!other) throw new Error('envelope without entry');
    mixed.entry.push(other);
    const response = await wa.post(mixed);
    expect(response.status).to.equal(200);
    await t.engine.services.webhooks.idle();
    expect(await stored('msg:wamid.mixed.ours'), 'the connected number\'s message').to.equal(1);
    expect(await stored('msg:wamid.mixed.theirs'), 'the other number\'s message').to.equal(0);
  });

  it('refuses a body nested deeper than any WhatsApp payload before parsing it, even signed', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const response = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256(APP_SECRET, Buffer.from(deep)) }, body: deep });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('MALFORMED_JSON');
  });
});

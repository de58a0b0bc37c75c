import { expect } from 'chai';
import type { Simulator } from '../index.js';
import { call, changesOf, control, inject, send, startReceiver, startSim, waitFor, type Receiver } from './helpers.js';

/** The number of the reference examples (whatsapp-cloud-api.md §1.4–§1.6). */
const REF = { phoneNumberId: '106540352242922', wabaId: '102290129340398', displayPhoneNumber: '15550783881', accessToken: 'ref-token', appSecret: 'ref-secret' };
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const BSUID = 'US.13491208655302741918';

describe('Webhook payloads match the reference examples', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver, { numbers: [REF], settings: { readProbability: 0 } });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const lastBody = () => receiver.received.at(-1)?.body;

  it('builds the inbound text example exactly', async () => {
    const result = await inject(sim, { from: '16505551234', userId: BSUID, name: 'Sheena Nelson', text: 'Does it come in another color?', timestamp: 1749416383 });
    await waitFor(() => receiver.received.length === 1, 'inbound webhook');
    expect(lastBody()).to.deep.equal({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: METADATA,
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234', user_id: BSUID }],
        messages: [{ from: '16505551234', from_user_id: BSUID, id: result.body.id, timestamp: '1749416383', type: 'text', text: { body: 'Does it come in another color?' } }],
      } }] }],
    });
    expect(result.body.id).to.match(/^wamid\.HBgLMTY1MDU1NTEyMzQVAgASGB[A-Za-z0-9+/]+=*$/);
  });

  it('builds interactive, button, image, location, reaction and unsupported messages like the reference', async () => {
    const base = { from: '16505551234', userId: BSUID, name: 'Sheena Nelson' };
    const quoted = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI4MjZGRDA0OUE2OTQ3RkEyMzcA';
    await inject(sim, { ...base, type: 'interactive', context: { id: quoted }, interactive: { type: 'list_reply', list_reply: { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' } } });
    await inject(sim, { ...base, type: 'button', context: { id: quoted }, button: { payload: 'STOP_PROMO', text: 'Stop promotions' } });
    await inject(sim, { ...base, type: 'image', image: { caption: 'front door', mime_type: 'image/jpeg' } });
    await inject(sim, { ...base, type: 'location', location: { latitude: 37.4848, longitude: -122.148, name: 'HQ', address: '1 Hacker Way' } });
    await inject(sim, { ...base, type: 'reaction', reaction: { message_id: quoted, emoji: '👍' } });
    await inject(sim, { ...base, type: 'unsupported' });
    await waitFor(() => receiver.received.length === 6, 'six webhooks');
    const messages = changesOf(receiver, 'messages').flatMap((change) => change.value.messages ?? []);
    const [list, button, image, location, reaction, unsupported] = messages;
    expect(list?.context).to.deep.equal({ from: '15550783881', id: quoted });
    expect(list?.interactive).to.deep.equal({ type: 'list_reply', list_reply: { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' } });
    expect(button?.button).to.deep.equal({ payload: 'STOP_PROMO', text: 'Stop promotions' });
    expect(image?.image).to.have.keys(['caption', 'mime_type', 'sha256', 'id']);
    expect(location?.location).to.deep.equal({ latitude: 37.4848, longitude: -122.148, name: 'HQ', address: '1 Hacker Way' });
    expect(reaction?.reaction).to.deep.equal({ message_id: quoted, emoji: '👍' });
    expect(unsupported?.errors).to.deep.equal([{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }]);
  });

  it('injects the remaining §1.4 types, with fetchable media ids', async () => {
    const base = { from: '16505551234', name: 'Sheena Nelson' };
    const bodies: Array<Record<string, unknown>> = [
      { type: 'audio', audio: { voice: true } },
      { type: 'document', document: { filename: 'bill.pdf', caption: 'my bill' } },
      { type: 'video', video: {} },
      { type: 'sticker', sticker: { animated: false } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+55 11 98765-4321', wa_id: '551187654321', type: 'CELL' }] }] },
      { type: 'order', order: { catalog_id: 'cat1', text: 'please', product_items: [{ product_retailer_id: 'fibre500', quantity: 1, item_price: 49.9, currency: 'USD' }] } },
      { type: 'system', system: { body: 'User A changed from 16505551234 to 16505559999', type: 'customer_changed_number', wa_id: '16505559999' } },
      { type: 'request_welcome' },
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'change', title: 'Change' } } },
    ];
    for (const body of bodies) expect((await inject(sim, { ...base, ...body })).status, String(body.type)).to.equal(201);
    await waitFor(() => receiver.received.length === bodies.length, 'all webhooks');
    const messages = changesOf(receiver, 'messages').flatMap((change) => change.value.messages ?? []);
    expect(messages.map((m) => m.type)).to.deep.equal(bodies.map((b) => b.type));
    const audio = messages[0]?.audio as { id: string; mime_type: string; voice: boolean };
    expect(audio).to.include({ mime_type: 'audio/ogg; codecs=opus', voice: true });
    const media = await call<{ mime_type: string; file_size: number }>(sim, 'GET', `/v23.0/${audio.id}`, undefined, REF.accessToken);
    expect(media.body.mime_type).to.equal('audio/ogg; codecs=opus');
    expect(messages[5]?.order).to.deep.include({ catalog_id: 'cat1' });
    expect(messages[7]).to.not.have.property('request_welcome');
  });

  it('builds a delivered status with conversation and pricing as in the reference', async () => {
    await control(sim, 'POST', '/templates', { wabaId: REF.wabaId, name: 'spring_sale', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Our spring sale is on now.' }] });
    await inject(sim, { from: '16505551234', userId: BSUID, name: 'Pablo M.', text: 'hi' });
    const sent = await send(sim, { to: '+16505551234', type: 'template', template: { name: 'spring_sale', language: { code: 'en' } }, biz_opaque_callback_data: 'order-42' }, REF.accessToken, REF.phoneNumberId);
    const wamid = sent.body.messages[0]?.id ?? '';
    sim.state.clock.advance(60_000);
    await waitFor(() => changesOf(receiver, 'messages').some((c) => c.value.statuses?.[0]?.status === 'delivered'), 'delivered');
    const change = changesOf(receiver, 'messages').find((c) => c.value.statuses?.[0]?.status === 'delivered');
    const status = change?.value.statuses?.[0];
    expect(change?.value).to.deep.equal({
      messaging_product: 'whatsapp',
      metadata: METADATA,
      contacts: [{ profile: { name: 'Pablo M.' }, wa_id: '16505551234', user_id: BSUID }],
      statuses: [{
        id: wamid,
        status: 'delivered',
        timestamp: status?.timestamp,
        recipient_id: '16505551234',
        recipient_user_id: BSUID,
        biz_opaque_callback_data: 'order-42',
        conversation: { id: status?.conversation?.id, expiration_timestamp: status?.conversation?.expiration_timestamp, origin: { type: 'marketing' } },
        pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
      }],
    });
    expect(status?.timestamp).to.match(/^\d{10}$/);
    expect(status?.conversation?.id).to.match(/^[0-9a-f]{32}$/);
  });

  it('builds the failed status of the reference', async () => {
    const sent = await send(sim, { to: '+16505551234', type: 'text', text: { body: 'late' } }, REF.accessToken, REF.phoneNumberId);
    const wamid = sent.body.messages[0]?.id ?? '';
    sim.state.clock.advance(60_000);
    await waitFor(() => receiver.received.length === 1, 'failed status');
    const status = changesOf(receiver, 'messages')[0]?.value.statuses?.[0];
    expect(status).to.deep.equal({
      id: wamid, status: 'failed', timestamp: status?.timestamp, recipient_id: '16505551234', recipient_user_id: status?.recipient_user_id,
      errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message',
        error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }],
    });
  });

  it('builds the user_preferences example exactly, with a numeric timestamp', async () => {
    sim.state.clock.advance(0);
    await control(sim, 'POST', '/user-preferences', { from: '16505551234', value: 'stop' });
    await waitFor(() => receiver.received.length === 1, 'user_preferences');
    const [change] = changesOf(receiver, 'user_preferences');
    expect(change?.entry.time).to.be.a('number');
    expect(change?.value).to.deep.equal({
      messaging_product: 'whatsapp',
      metadata: METADATA,
      contacts: [{ wa_id: '16505551234' }],
      user_preferences: [{ wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: Math.floor(sim.state.clock.now() / 1000) }],
    });
  });

  it('builds the template status example with a numeric template id and entry time', async () => {
    const created = await control<{ id: string }>(sim, 'POST', '/templates', { wabaId: REF.wabaId, name: 'abandoned_cart', language: 'en', category: 'MARKETING', status: 'PENDING', components: [{ type: 'BODY', text: 'You left items in your cart.' }] });
    await control(sim, 'POST', '/events/template-status', {
      templateId: created.body.id, event: 'REJECTED', reason: 'INVALID_FORMAT',
      rejection_info: { reason: 'Parameters placed next to each other...', recommendation: 'Separate parameters...' },
    });
    await waitFor(() => receiver.received.length === 1, 'template status');
    const [change] = changesOf(receiver, 'message_template_status_update');
    expect(change?.entry.time).to.be.a('number');
    expect(change?.value).to.deep.equal({
      event: 'REJECTED', message_template_id: Number(created.body.id), message_template_name: 'abandoned_cart',
      message_template_language: 'en', reason: 'INVALID_FORMAT', message_template_category: 'MARKETING',
      rejection_info: { reason: 'Parameters placed next to each other...', recommendation: 'Separate parameters...' },
    });
  });

  it('sends a username user without wa_id, reachable by recipient only', async () => {
    const result = await inject(sim, { userId: 'BR.1502576394655843', username: true, name: 'Lia', text: 'oi' });
    await waitFor(() => receiver.received.length === 1, 'inbound');
    const value = changesOf(receiver, 'messages')[0]?.value;
    expect(value?.contacts).to.deep.equal([{ profile: { name: 'Lia' }, user_id: 'BR.1502576394655843' }]);
    expect(value?.messages?.[0]).to.not.have.property('from');
    expect(value?.messages?.[0]?.from_user_id).to.equal('BR.1502576394655843');
    expect(result.body.userId).to.equal('BR.1502576394655843');
    const reply = await send(sim, { recipient: 'BR.1502576394655843', type: 'text', text: { body: 'olá' } }, REF.accessToken, REF.phoneNumberId);
    expect(reply.body.contacts).to.deep.equal([{ input: 'BR.1502576394655843', user_id: 'BR.1502576394655843' }]);
    sim.state.clock.advance(60_000);
    await waitFor(() => changesOf(receiver, 'messages').some((c) => c.value.statuses?.length), 'status');
    const status = changesOf(receiver, 'messages').find((c) => c.value.statuses?.length)?.value.statuses?.[0];
    expect(status).to.not.have.property('recipient_id');
    expect(status?.recipient_user_id).to.equal('BR.1502576394655843');
  });
});

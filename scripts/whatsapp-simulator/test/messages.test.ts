import { expect } from 'chai';
import type { Simulator } from '../index.js';
import {
  allStatuses, call, control, inject, PNID, send, signatureValid, startReceiver, startSim, statusesFor, waitFor,
  type GraphErrorBody, type Receiver,
} from './helpers.js';

describe('Graph send endpoint', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver, { settings: { readProbability: 1 } });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('accepts a text inside the window and reports sent, delivered and read, each signed', async () => {
    await inject(sim, { from: '16505551234', name: 'Sheena Nelson', text: 'hi' });
    const result = await send(sim, { to: '+16505551234', type: 'text', text: { body: 'Hello Sheena' } });
    expect(result.status).to.equal(200);
    expect(result.body.contacts).to.deep.equal([{ input: '+16505551234', wa_id: '16505551234' }]);
    const wamid = result.body.messages[0]?.id ?? '';
    expect(wamid).to.match(/^wamid\.[A-Za-z0-9+/=]+$/);
    sim.state.clock.advance(120_000);
    await waitFor(() => statusesFor(receiver, wamid).length === 3, 'three statuses');
    expect(statusesFor(receiver, wamid).sort()).to.deep.equal(['delivered', 'read', 'sent']);
    expect(receiver.received.every((r) => signatureValid(r))).to.equal(true);
    const sent = allStatuses(receiver).find((s) => s.id === wamid && s.status === 'sent');
    expect(sent?.pricing).to.deep.equal({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
  });

  it('accepts a free-form send outside the window, then fails it with 131047', async () => {
    const result = await send(sim, { to: '+16505550000', type: 'text', text: { body: 'Are you there?' } });
    expect(result.status).to.equal(200);
    const wamid = result.body.messages[0]?.id ?? '';
    sim.state.clock.advance(10_000);
    const failed = await waitFor(() => allStatuses(receiver).find((s) => s.id === wamid), 'failed status');
    expect(failed.status).to.equal('failed');
    expect(failed.errors?.[0]?.code).to.equal(131047);
    expect(failed.errors?.[0]?.title).to.equal('Re-engagement message');
    expect(failed).to.not.have.property('pricing');
  });

  it('refuses a free-form send outside the window synchronously in sync mode', async () => {
    await control(sim, 'POST', '/settings', { windowMode: 'sync' });
    const result = await send<GraphErrorBody>(sim, { to: '+16505550000', type: 'text', text: { body: 'late' } });
    expect(result.status).to.equal(400);
    expect(result.body.error.code).to.equal(131047);
    expect(result.body.error.type).to.equal('OAuthException');
    expect(result.body.error.error_data.messaging_product).to.equal('whatsapp');
  });

  it('answers 190 with HTTP 401 on an unknown token, and 10 on a token of another number', async () => {
    const bad = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'text', text: { body: 'x' } }, 'nope');
    expect(bad.status).to.equal(401);
    expect(bad.body.error.code).to.equal(190);
    await control(sim, 'POST', '/numbers', { phoneNumberId: '100000000000002', wabaId: '200000000000002', displayPhoneNumber: '+1 555 010 0002', accessToken: 'other', appSecret: 's' });
    const other = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'text', text: { body: 'x' } }, 'other');
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.equal(10);
  });

  it('echoes biz_opaque_callback_data on every status', async () => {
    await inject(sim, { from: '447700900123', text: 'hello' });
    const result = await send(sim, { to: '+447700900123', type: 'text', text: { body: 'ok' }, biz_opaque_callback_data: 'effect-42:1:0' });
    const wamid = result.body.messages[0]?.id ?? '';
    sim.state.clock.advance(120_000);
    await waitFor(() => statusesFor(receiver, wamid).length === 3, 'statuses');
    const echoed = allStatuses(receiver).filter((s) => s.id === wamid).map((s) => s.biz_opaque_callback_data);
    expect(echoed).to.deep.equal(['effect-42:1:0', 'effect-42:1:0', 'effect-42:1:0']);
  });

  it('names the field when a limit is broken', async () => {
    await inject(sim, { from: '16505551234', text: 'hi' });
    const long = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'text', text: { body: 'x'.repeat(4097) } });
    expect(long.body.error.code).to.equal(100);
    expect(long.body.error.error_data.details).to.contain('text.body');
    const buttons = [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `Option ${n}` } }));
    const tooMany = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons } } });
    expect(tooMany.body.error.code).to.equal(131009);
    expect(tooMany.body.error.error_data.details).to.contain('interactive.action.buttons');
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const list = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Menu', sections: [{ title: 'A', rows }] } } });
    expect(list.body.error.code).to.equal(131009);
    const missing = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${PNID}/messages`, { to: '+16505551234', type: 'text', text: { body: 'x' } });
    expect(missing.body.error.code).to.equal(100);
    expect(missing.body.error.error_data.details).to.contain('messaging_product');
  });

  it('sends every free-form type the reference lists', async () => {
    await inject(sim, { from: '16505551234', text: 'hi' });
    const to = '+16505551234';
    const bodies: Array<Record<string, unknown>> = [
      { type: 'image', image: { link: 'https://example.com/p.jpg', caption: 'Front' } },
      { type: 'document', document: { link: 'https://example.com/q.pdf', filename: 'quote.pdf' } },
      { type: 'audio', audio: { link: 'https://example.com/a.ogg' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4' } },
      { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } },
      { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
      { type: 'location', location: { latitude: 37.48, longitude: -122.14, name: 'HQ' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Support' }, phones: [{ phone: '+15550100001' }] }] },
      { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Pay here' }, action: { name: 'cta_url', parameters: { display_text: 'Pay', url: 'https://pay.example.com' } } } },
      { type: 'interactive', interactive: { type: 'list', body: { text: 'Plans' }, action: { button: 'See plans', sections: [{ title: 'Fibre', rows: [{ id: 'f500', title: 'Fibre 500', description: '500 Mbps' }] }] } } },
    ];
    for (const body of bodies) {
      const result = await send(sim, { to, ...body });
      expect(result.status, JSON.stringify(body)).to.equal(200);
    }
    const mixed = await send<GraphErrorBody>(sim, { to, type: 'image', image: { link: 'https://example.com/p.jpg', id: '123' } });
    expect(mixed.body.error.code).to.equal(100);
  });

  it('marks an inbound message read with a typing indicator', async () => {
    const inbound = await inject(sim, { from: '16505551234', text: 'hi' });
    const result = await send(sim, { status: 'read', message_id: inbound.body.id, typing_indicator: { type: 'text' } });
    expect(result.body).to.deep.equal({ success: true });
    const listed = await control<{ data: Array<{ id: string; readAt: number | null; typingIndicator: boolean }> }>(sim, 'GET', '/inbound');
    expect(listed.body.data[0]).to.include({ id: inbound.body.id, typingIndicator: true });
    expect(listed.body.data[0]?.readAt).to.be.a('number');
  });

  it('returns the canonical wa_id for Brazilian and Mexican numbers', async () => {
    await control(sim, 'POST', '/settings', { windowMode: 'async' });
    const br = await send(sim, { to: '+55 11 98765-4321', type: 'text', text: { body: 'oi' } });
    expect(br.body.contacts[0]).to.deep.equal({ input: '+55 11 98765-4321', wa_id: '551187654321' });
    const mx = await send(sim, { to: '+525512345678', type: 'text', text: { body: 'hola' } });
    expect(mx.body.contacts[0]?.wa_id).to.equal('5215512345678');
  });

  it('reads phone number fields', async () => {
    const result = await call(sim, 'GET', `/v24.0/${PNID}?fields=display_phone_number,verified_name,quality_rating,throughput,messaging_limit_tier`);
    expect(result.body).to.deep.equal({
      display_phone_number: '+1 555 010 0001',
      verified_name: 'Parley Demo',
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
      messaging_limit_tier: 'TIER_2K',
      id: PNID,
    });
  });

  it('serves uploaded and inbound media behind the Bearer token', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'application/pdf');
    form.set('file', new Blob([Buffer.from('%PDF-1.4 quote')], { type: 'application/pdf' }), 'quote.pdf');
    const upload = await fetch(`${sim.url}/v23.0/${PNID}/media`, { method: 'POST', headers: { authorization: 'Bearer demo-access-token' }, body: form });
    const { id } = (await upload.json()) as { id: string };
    const meta = await call<{ url: string; mime_type: string; file_size: number }>(sim, 'GET', `/v23.0/${id}`);
    expect(meta.body).to.include({ mime_type: 'application/pdf', file_size: 14 });
    const denied = await fetch(meta.body.url);
    expect(denied.status).to.equal(401);
    const download = await fetch(meta.body.url, { headers: { authorization: 'Bearer demo-access-token' } });
    expect(await download.text()).to.equal('%PDF-1.4 quote');
    sim.state.clock.advance(6 * 60_000);
    const expired = await fetch(meta.body.url, { headers: { authorization: 'Bearer demo-access-token' } });
    expect(expired.status).to.equal(404);
  });
});

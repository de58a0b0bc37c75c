import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { SendRecord, Simulator } from '../index.js';
import {
  allStatuses, APPROVED_TEMPLATE, changesOf, control, inject, PNID, send, startReceiver, startSim, waitFor,
  type GraphErrorBody, type Receiver,
} from './helpers.js';

const MARKETING = { name: 'promo', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Fibre 1 Gbps for half price this week.' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] }] };
const promo = (to: string) => ({ to, type: 'template', template: { name: 'promo', language: { code: 'en' } } });
const utility = (to: string) => ({
  to, type: 'template',
  template: { name: 'order_update', language: { code: 'en_US' }, components: [
    { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1' }] },
    { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'x' }] },
  ] },
});

describe('Control API', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver, { settings: { readProbability: 0 } });
    await control(sim, 'POST', '/templates', MARKETING);
    await control(sim, 'POST', '/templates', APPROVED_TEMPLATE);
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('turns a user_preferences stop into 131050 for marketing only, until resume', async () => {
    await control(sim, 'POST', '/user-preferences', { from: '447700900123', value: 'stop' });
    await waitFor(() => changesOf(receiver, 'user_preferences').length === 1, 'preferences webhook');
    const marketing = await send(sim, promo('+447700900123'));
    const service = await send(sim, utility('+447700900123'));
    expect(marketing.status).to.equal(200);
    sim.state.clock.advance(60_000);
    await waitFor(() => allStatuses(receiver).length >= 3, 'statuses');
    const byId = (id: string | undefined) => allStatuses(receiver).filter((s) => s.id === id);
    expect(byId(marketing.body.messages[0]?.id).map((s) => [s.status, s.errors?.[0]?.code])).to.deep.equal([['failed', 131050]]);
    expect(byId(service.body.messages[0]?.id).map((s) => s.status)).to.deep.equal(['sent', 'delivered']);
    await control(sim, 'POST', '/user-preferences', { from: '447700900123', value: 'resume' });
    const again = await send(sim, promo('+447700900123'));
    sim.state.clock.advance(60_000);
    await waitFor(() => byId(again.body.messages[0]?.id).length === 2, 'resumed delivery');
  });

  it('can send the older system-message form of a preference change', async () => {
    await control(sim, 'POST', '/user-preferences', { from: '447700900123', value: 'stop', legacy: true });
    const [change] = await waitFor(() => changesOf(receiver, 'messages').length === 1 && changesOf(receiver, 'messages'), 'system message');
    expect(change?.value.messages?.[0]).to.include({ type: 'system' });
    expect(change?.value.messages?.[0]?.system).to.deep.equal({ type: 'user_preference_changed', marketing: 'stop', body: 'User requested to stop marketing messages' });
  });

  it('fails marketing with 131049 when the per-user cap is forced', async () => {
    await control(sim, 'POST', '/chaos', { recipients: { '447700900555': { marketingCap: true } } });
    const sent = await send(sim, promo('+447700900555'));
    sim.state.clock.advance(60_000);
    const failed = await waitFor(() => allStatuses(receiver).find((s) => s.id === sent.body.messages[0]?.id), 'failure');
    expect(failed.errors?.[0]?.code).to.equal(131049);
  });

  it('filters recorded sends and keeps the full request body', async () => {
    await inject(sim, { from: '16505551234', text: 'hi' });
    await send(sim, { to: '+16505551234', type: 'text', text: { body: 'one' }, biz_opaque_callback_data: 'a' });
    await send(sim, promo('+16505550000'));
    const texts = await control<{ total: number; data: SendRecord[] }>(sim, 'GET', '/sends?type=text');
    expect(texts.body.total).to.equal(1);
    expect(texts.body.data[0]?.request).to.deep.include({ text: { body: 'one' } });
    const byTo = await control<{ total: number }>(sim, 'GET', '/sends?to=%2B16505550000');
    expect(byTo.body.total).to.equal(1);
    const byOpaque = await control<{ total: number }>(sim, 'GET', '/sent?bizOpaque=a');
    expect(byOpaque.body.total).to.equal(1);
  });

  it('emits quality, capability and account events, and RED quality refuses templates with 131048', async () => {
    await control(sim, 'POST', '/events/phone-quality', { event: 'DOWNGRADE', quality: 'RED', tier: 'TIER_250' });
    await control(sim, 'POST', '/events/business-capability', { max_phone_numbers_per_business: 2 });
    await control(sim, 'POST', '/events/account-update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } });
    await waitFor(() => receiver.received.length === 3, 'three events');
    expect(changesOf(receiver, 'phone_number_quality_update')[0]?.value).to.deep.equal({
      display_phone_number: '15550100001', event: 'DOWNGRADE', current_limit: 'TIER_250', old_limit: 'TIER_2K', max_daily_conversations_per_business: 'TIER_250',
    });
    expect(changesOf(receiver, 'business_capability_update')[0]?.value).to.deep.equal({ max_daily_conversations_per_business: 'TIER_250', max_phone_numbers_per_business: 2 });
    expect(changesOf(receiver, 'account_update')[0]?.value).to.deep.equal({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } });
    const refused = await send<GraphErrorBody>(sim, promo('+16505550000'));
    expect(refused.body.error.code).to.equal(131048);
  });

  it('resets traffic but keeps numbers, and reproduces ids from the same seed', async () => {
    await control(sim, 'POST', '/reset', {});
    const first = await inject(sim, { from: '16505551234', text: 'hi' });
    await control(sim, 'POST', '/reset', {});
    const state = await control<{ sends: number; inbound: number; templates: number }>(sim, 'GET', '/state');
    expect(state.body).to.include({ sends: 0, inbound: 0, templates: 0 });
    expect(sim.state.numbers.get(PNID)).to.not.equal(undefined);
    const second = await inject(sim, { from: '16505551234', text: 'hi' });
    expect(second.body.id).to.equal(first.body.id);
  });

  it('runs the verification handshake against the callback', async () => {
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ok = url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === 'demo-verify-token';
      res.writeHead(ok ? 200 : 403).end(ok ? (url.searchParams.get('hub.challenge') ?? '') : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await control(sim, 'PATCH', `/numbers/${PNID}`, { webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
    const good = await control<{ echoed: boolean }>(sim, 'POST', `/numbers/${PNID}/verify-webhook`, { challenge: '1158201444' });
    const bad = await control<{ echoed: boolean; status: number }>(sim, 'POST', `/numbers/${PNID}/verify-webhook`, { verifyToken: 'wrong' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(good.body.echoed).to.equal(true);
    expect(bad.body).to.include({ echoed: false, status: 403 });
  });

  it('answers control errors with a message', async () => {
    const bad = await control<{ error: string }>(sim, 'POST', '/inbound', { type: 'text', text: 'no sender' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.contain('from');
    const unknown = await control<{ error: string }>(sim, 'POST', '/inbound', { from: '1650', phoneNumberId: '999', text: 'x' });
    expect(unknown.status).to.equal(404);
  });
});

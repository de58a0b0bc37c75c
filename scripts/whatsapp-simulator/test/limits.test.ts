import { expect } from 'chai';
import type { Simulator } from '../index.js';
import { APPROVED_TEMPLATE, control, inject, PNID, send, startSim, type GraphErrorBody } from './helpers.js';

const text = (to: string) => ({ to, type: 'text', text: { body: 'hello' } });

describe('Rate limits', () => {
  let sim: Simulator;

  beforeEach(async () => {
    sim = await startSim(null);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('answers 130429 with HTTP 429 once the number throughput is spent, and refills with time', async () => {
    await control(sim, 'PATCH', `/numbers/${PNID}`, { throughput: 5 });
    expect(sim.state.numbers.get(PNID)?.config.tier, 'a patch keeps the other fields').to.equal('TIER_2K');
    const invalid = await control<{ error: string }>(sim, 'PATCH', `/numbers/${PNID}`, { throughput: -1 });
    expect(invalid.status).to.equal(400);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await send<GraphErrorBody>(sim, text(`+1650555000${i}`)));
    expect(results.slice(0, 5).map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(results[5]?.status).to.equal(429);
    expect(results[5]?.body.error.code).to.equal(130429);
    sim.state.clock.advance(1000);
    expect((await send(sim, text('+16505559999'))).status).to.equal(200);
  });

  it('allows 1000 messages per second on an upgraded number', async () => {
    await control(sim, 'PATCH', `/numbers/${PNID}`, { throughput: 1000 });
    const statuses = await Promise.all(Array.from({ length: 120 }, (_, i) => send(sim, text(`+4477009${String(i).padStart(5, '0')}`)).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).to.equal(true);
  });

  it('answers 131057 while the throughput upgrade runs, then 1000 mps', async () => {
    await control(sim, 'POST', `/numbers/${PNID}/throughput-upgrade`, { durationMs: 60_000 });
    const during = await send<GraphErrorBody>(sim, text('+16505551234'));
    expect(during.body.error.code).to.equal(131057);
    sim.state.clock.advance(60_000);
    expect(sim.state.numbers.get(PNID)?.config.throughput).to.equal(1000);
    expect((await send(sim, text('+16505551234'))).status).to.equal(200);
  });

  it('answers 131056 after a burst of 45 to one user, for that user only', async () => {
    await inject(sim, { from: '16505551234', text: 'hi' });
    const results = [];
    for (let i = 0; i < 46; i++) results.push(await send<GraphErrorBody>(sim, text('+16505551234')));
    expect(results.slice(0, 45).every((r) => r.status === 200)).to.equal(true);
    expect(results[45]?.body.error.code).to.equal(131056);
    expect(results[45]?.body.error.error_subcode).to.equal(2494055);
    expect((await send(sim, text('+16505550001'))).status).to.equal(200);
    sim.state.clock.advance(6_000);
    expect((await send(sim, text('+16505551234'))).status).to.equal(200);
  });

  it('refuses every send in blocked mode with the chosen code', async () => {
    await control(sim, 'PATCH', `/numbers/${PNID}`, { blockedCode: 368 });
    const blocked = await send<GraphErrorBody>(sim, text('+16505551234'));
    expect(blocked.status).to.equal(403);
    expect(blocked.body.error.code).to.equal(368);
  });

  it('enforces the messaging limit on new users outside the window, synchronously when asked', async () => {
    await control(sim, 'POST', '/templates', APPROVED_TEMPLATE);
    await control(sim, 'PATCH', `/numbers/${PNID}`, { quality: 'YELLOW' });
    await control(sim, 'PATCH', `/numbers/${PNID}`, { tier: 'TIER_50' });
    expect(sim.state.numbers.get(PNID)?.config.quality).to.equal('YELLOW');
    await control(sim, 'POST', '/settings', { messagingLimit: { mode: 'sync', code: 131048 } });
    const template = (to: string) => ({
      to, type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1' }] },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'x' }] },
      ] },
    });
    for (let i = 0; i < 50; i++) expect((await send(sim, template(`+44770090${String(i).padStart(4, '0')}`))).status).to.equal(200);
    const over = await send<GraphErrorBody>(sim, template('+447700909999'));
    expect(over.body.error.code).to.equal(131048);
    expect((await send(sim, template('+447700900000'))).status, 'a user already reached').to.equal(200);
  });
});

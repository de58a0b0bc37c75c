import { expect } from 'chai';
import { VirtualClock } from '../core/clock.js';
import type { Simulator } from '../index.js';
import { control, EPOCH, startSim } from './helpers.js';

describe(VirtualClock.name, () => {
  it('fires timers in order, each at its own virtual instant, only when advanced while frozen', () => {
    const clock = new VirtualClock({ frozen: true, start: 1_000 });
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    const cancelled = clock.setTimeout(() => seen.push(['x', clock.now()]), 150);
    clock.clearTimeout(cancelled);
    expect(clock.advance(99)).to.equal(0);
    expect(clock.advance(500)).to.equal(2);
    expect(seen).to.deep.equal([['a', 1_100], ['b', 1_200]]);
    expect(clock.now()).to.equal(1_599);
    clock.dispose();
  });

  it('fires timers scheduled by timers within the same advance', () => {
    const clock = new VirtualClock({ frozen: true, start: 0 });
    const seen: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => seen.push(clock.now()), 50), 50);
    clock.advance(1_000);
    expect(seen).to.deep.equal([100]);
    clock.dispose();
  });

  it('runs at a chosen speed when not frozen', async () => {
    const clock = new VirtualClock({ start: 0, speed: 1000 });
    const fired = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 5_000));
    expect(fired).to.be.at.least(5_000);
    clock.dispose();
  });
});

describe('Clock control API', () => {
  let sim: Simulator;

  beforeEach(async () => {
    sim = await startSim(null);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('reports, advances, resumes and freezes virtual time', async () => {
    const start = await control<{ now: number; frozen: boolean }>(sim, 'GET', '/clock');
    expect(start.body).to.include({ now: EPOCH, frozen: true });
    const advanced = await control<{ now: number }>(sim, 'POST', '/clock/advance', { hours: 25 });
    expect(advanced.body.now).to.equal(EPOCH + 25 * 3_600_000);
    const running = await control<{ frozen: boolean; speed: number }>(sim, 'POST', '/clock', { frozen: false, speed: 10 });
    expect(running.body).to.include({ frozen: false, speed: 10 });
    const frozen = await control<{ frozen: boolean }>(sim, 'POST', '/clock', { frozen: true });
    expect(frozen.body.frozen).to.equal(true);
  });

  it('closes the customer-service window after 24 virtual hours', async () => {
    await control(sim, 'POST', '/settings', { windowMode: 'sync' });
    await control(sim, 'POST', '/inbound', { from: '16505551234', text: 'hi' });
    await control(sim, 'POST', '/clock/advance', { hours: 23 });
    const inside = await fetch(`${sim.url}/v23.0/100000000000001/messages`, {
      method: 'POST', headers: { authorization: 'Bearer demo-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'still open' } }),
    });
    expect(inside.status).to.equal(200);
    await control(sim, 'POST', '/clock/advance', { hours: 1 });
    const outside = await fetch(`${sim.url}/v23.0/100000000000001/messages`, {
      method: 'POST', headers: { authorization: 'Bearer demo-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'closed' } }),
    });
    expect(((await outside.json()) as { error: { code: number } }).error.code).to.equal(131047);
  });
});

import { expect } from 'chai';
import type { Delivery, Simulator } from '../index.js';
import { allStatuses, control, inject, send, startReceiver, startSim, statusesFor, waitFor, type Receiver } from './helpers.js';

describe('Chaos and delivery semantics', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver, { settings: { readProbability: 1 } });
    await inject(sim, { from: '16505551234', name: 'Sheena', text: 'hi' });
    await waitFor(() => receiver.received.length === 1, 'inbound');
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const sendText = async () => (await send(sim, { to: '+16505551234', type: 'text', text: { body: 'ok' } })).body.messages[0]?.id ?? '';

  it('delivers every status twice when duplicates are forced for the recipient', async () => {
    await control(sim, 'POST', '/chaos', { recipients: { '16505551234': { duplicate: true } } });
    const wamid = await sendText();
    sim.state.clock.advance(120_000);
    await waitFor(() => statusesFor(receiver, wamid).length === 6, 'six deliveries');
    expect(statusesFor(receiver, wamid).sort()).to.deep.equal(['delivered', 'delivered', 'read', 'read', 'sent', 'sent']);
    const first = receiver.received[0]?.raw.toString();
    expect(receiver.received.filter((r) => r.raw.toString() === first)).to.have.length(2);
  });

  it('sends read before delivered when reordering is forced, with logical timestamps kept', async () => {
    await control(sim, 'POST', '/chaos', { recipients: { '16505551234': { reorder: true } } });
    const wamid = await sendText();
    sim.state.clock.advance(120_000);
    await waitFor(() => statusesFor(receiver, wamid).length === 3, 'statuses');
    const record = sim.state.sends.get(wamid);
    const emitted = [...(record?.statuses ?? [])].sort((a, b) => a.emittedAt - b.emittedAt).map((s) => s.status);
    expect(emitted.indexOf('read')).to.be.lessThan(emitted.indexOf('delivered'));
    const byStatus = Object.fromEntries(allStatuses(receiver).map((s) => [s.status, Number(s.timestamp)]));
    expect(byStatus.read).to.be.at.least(byStatus.delivered ?? 0);
  });

  it('sends read without delivered when asked', async () => {
    await control(sim, 'POST', '/chaos', { recipients: { '16505551234': { skipDelivered: true } } });
    const wamid = await sendText();
    sim.state.clock.advance(120_000);
    await waitFor(() => statusesFor(receiver, wamid).includes('read'), 'read');
    expect(statusesFor(receiver, wamid).sort()).to.deep.equal(['read', 'sent']);
  });

  it('batches several statuses into one POST and one change', async () => {
    await control(sim, 'POST', '/chaos', { batching: { enabled: true, windowMs: 10_000, max: 50 } });
    await control(sim, 'POST', '/settings', { readProbability: 0 });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await sendText());
    sim.state.clock.advance(2_000);
    sim.state.clock.advance(20_000);
    await waitFor(() => allStatuses(receiver).length === 10, 'ten statuses');
    expect(receiver.received.length).to.be.lessThan(10);
    const biggest = Math.max(...receiver.received.map((r) => r.body.entry[0]?.changes[0]?.value.statuses?.length ?? 0));
    expect(biggest).to.be.at.least(5);
    for (const id of ids) expect(statusesFor(receiver, id).sort()).to.deep.equal(['delivered', 'sent']);
  });

  it('fails the recipient forced to fail, with the chosen code, after a sent when delayed', async () => {
    await control(sim, 'POST', '/chaos', { recipients: { '16505551234': { fail: 131026, failDelayMs: 120_000 } } });
    const wamid = await sendText();
    sim.state.clock.advance(10_000);
    await waitFor(() => statusesFor(receiver, wamid).includes('sent'), 'sent');
    expect(statusesFor(receiver, wamid)).to.deep.equal(['sent']);
    sim.state.clock.advance(120_000);
    const failed = await waitFor(() => allStatuses(receiver).find((s) => s.id === wamid && s.status === 'failed'), 'failed');
    expect(failed.errors?.[0]?.code).to.equal(131026);
  });

  it('fails sends at the configured rate', async () => {
    await control(sim, 'POST', '/chaos', { failureRate: 1, failureCodes: [131000] });
    const wamid = await sendText();
    sim.state.clock.advance(10_000);
    const failed = await waitFor(() => allStatuses(receiver).find((s) => s.id === wamid), 'failed');
    expect(failed.errors?.[0]?.code).to.equal(131000);
  });

  it('redelivers the same body when the receiver answers 500, recording every attempt', async () => {
    let refused = false;
    receiver.respond = () => {
      if (refused) return 200;
      refused = true;
      return 500;
    };
    await inject(sim, { from: '16505551234', text: 'again' });
    const delivery = await waitFor(async () => {
      const listed = await control<{ data: Delivery[] }>(sim, 'GET', '/webhooks?field=messages&state=retrying');
      return listed.body.data[0];
    }, 'a delivery waiting for redelivery');
    expect(delivery?.attempts.map((a) => a.status)).to.deep.equal([500]);
    expect(delivery?.nextAttemptAt).to.be.a('number');
    sim.state.clock.advance(5_000);
    await waitFor(() => receiver.received.length === 1, 'redelivery');
    const final = sim.state.deliveries.get(delivery?.id ?? '');
    expect(final?.state).to.equal('delivered');
    expect(final?.attempts.map((a) => a.status)).to.deep.equal([500, 200]);
    expect(receiver.received[0]?.headers['x-hub-signature-256']).to.equal(final?.signature);
  });
});

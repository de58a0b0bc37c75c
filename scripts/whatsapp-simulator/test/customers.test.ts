import { expect } from 'chai';
import type { Simulator } from '../index.js';
import { allMessages, control, send, startReceiver, startSim, waitFor, type Receiver } from './helpers.js';

const ANA = '551187654321';

describe('Simulated customers', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver, { customers: true });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('write to the business on their own at seeded intervals', async () => {
    sim.state.clock.advance(10 * 60_000);
    await waitFor(() => allMessages(receiver).length >= 6, 'spontaneous messages');
    const senders = new Set(allMessages(receiver).map((m) => m.from));
    expect(senders.size).to.be.at.least(3);
    const status = await control<{ enabled: boolean; personas: Array<{ name: string }> }>(sim, 'GET', '/customers');
    expect(status.body.enabled).to.equal(true);
    expect(status.body.personas.map((p) => p.name)).to.include.members(['Ana Conceição', 'José Martínez']);
  });

  it('read a list the business sent and pick one of its rows, quoting it', async () => {
    await control(sim, 'POST', '/customers', { enabled: true, meanIntervalMs: 1e12 });
    await control(sim, 'POST', `/customers/${ANA}/act`);
    const sections = [{ title: 'Planos', rows: [{ id: 'fibra_500', title: 'Fibra 500', description: '500 Mbps' }, { id: 'fibra_1g', title: 'Fibra 1 Giga' }] }];
    // A persona answers most menus, not all: offer the menu until one is answered.
    let answered: string | undefined;
    for (let attempt = 0; attempt < 10 && !answered; attempt++) {
      const sent = await send(sim, { to: `+${ANA}`, type: 'interactive', interactive: { type: 'list', body: { text: 'Escolha um plano' }, action: { button: 'Planos', sections } } });
      const wamid = sent.body.messages[0]?.id ?? '';
      sim.state.clock.advance(60_000);
      expect(sim.state.sends.get(wamid)?.statuses.map((s) => s.status)).to.include('read');
      if (sim.state.inbound.all().some((m) => m.type === 'interactive')) answered = wamid;
    }
    const picked = await waitFor(() => allMessages(receiver).find((m) => m.type === 'interactive' && m.context?.id === answered), 'the list reply webhook');
    const reply = picked.interactive as { type: string; list_reply: { id: string; title: string } };
    expect(reply.type).to.equal('list_reply');
    expect(['fibra_500', 'fibra_1g']).to.include(reply.list_reply.id);
  });

  it('answer a review request with a score', async () => {
    await control(sim, 'POST', '/customers', { enabled: true, meanIntervalMs: 1e12 });
    await control(sim, 'POST', `/customers/${ANA}/act`);
    const sent = await send(sim, { to: `+${ANA}`, type: 'text', text: { body: 'Como você avalia nosso atendimento de 1 a 5?' } });
    sim.state.clock.advance(60_000);
    const answer = await waitFor(() => allMessages(receiver).find((m) => m.from === ANA && m.type === 'text' && /^[1-5]$/.test((m.text as { body: string }).body)), 'a score');
    expect(Number((answer.text as { body: string }).body)).to.be.within(1, 5);
    expect(sim.state.sends.get(sent.body.messages[0]?.id ?? '')?.statuses.map((s) => s.status)).to.include('read');
  });
});

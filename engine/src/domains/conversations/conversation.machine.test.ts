import { expect } from 'chai';
import { createActor } from 'xstate';
import { serviceWindowEnd } from '@parley/common';
import { conversationMachine, type BotVerdict, type ConversationEffect, type ConversationEvent } from './conversation.machine.js';

function start() {
  const actor = createActor(conversationMachine, { input: { conversationId: 'c1' } });
  const effects: ConversationEffect[] = [];
  actor.on('*', (effect) => effects.push(effect as ConversationEffect));
  actor.start();
  return { actor, effects, send: (event: ConversationEvent) => actor.send(event), state: () => actor.getSnapshot().value };
}

let n = 0;
const inbound = (bot: BotVerdict, outOfHours = false): ConversationEvent => ({ type: 'INBOUND', messageId: `wamid.${++n}`, at: 1_000_000 + n, bot, outOfHours });
const issue: BotVerdict = { kind: 'match', lookup: { id: 'l1', kind: 'issues', name: 'No internet', reply: '', price: null, queue: 'care' } };
const product: BotVerdict = { kind: 'match', lookup: { id: 'l2', kind: 'products', name: 'Fibre 500', reply: 'Great choice', price: 30, queue: null } };
const service: BotVerdict = { kind: 'match', lookup: { id: 'l3', kind: 'services', name: 'Opening hours', reply: 'We open at 9', price: null, queue: null } };

describe('conversationMachine', () => {
  it('greets with the menu and answers a service question without leaving the bot', () => {
    const c = start();
    c.send(inbound({ kind: 'greeting' }));
    c.send(inbound(service));
    expect(c.state()).to.equal('bot');
    expect(c.effects.map((e) => e.type)).to.deep.equal(['reply.menu', 'reply.text']);
    expect(c.effects[1]).to.deep.include({ text: { custom: 'We open at 9' } });
  });

  it('opens a ticket for an issue and queues for care, asking for assignment', () => {
    const c = start();
    c.send(inbound(issue));
    expect(c.state()).to.equal('queued');
    expect(c.actor.getSnapshot().context.queue).to.equal('care');
    expect(c.effects.map((e) => e.type)).to.deep.equal(['ticket.open', 'reply.text', 'queue.assign']);
  });

  it('opens a draft quotation for a product and queues for sales', () => {
    const c = start();
    c.send(inbound(product));
    expect(c.actor.getSnapshot().context.queue).to.equal('sales');
    expect(c.effects.map((e) => e.type)).to.include('quotation.open');
  });

  it('clarifies unknown text once, then hands over to a person', () => {
    const c = start();
    c.send(inbound({ kind: 'unknown' }));
    expect(c.state()).to.equal('bot');
    c.send(inbound({ kind: 'unknown' }));
    expect(c.state()).to.equal('queued');
    expect(c.effects.filter((e) => e.type === 'reply.text').map((e) => (e as { text: unknown }).text)).to.deep.equal(['clarify', 'handoff']);
  });

  it('answers out of hours with the out-of-hours reply when handing over', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }, true));
    expect(c.effects.find((e) => e.type === 'reply.text')).to.deep.include({ text: 'outOfHours' });
  });

  it('handles STOP and START in any state, without changing state', () => {
    const c = start();
    c.send(inbound(issue));
    c.send({ type: 'ASSIGN', agentId: 'a1' });
    c.send(inbound({ kind: 'optOut' }));
    c.send(inbound({ kind: 'optIn' }));
    expect(c.state()).to.equal('assigned');
    expect(c.effects.filter((e) => e.type === 'consent.change').map((e) => (e as { to: string }).to)).to.deep.equal(['revoked', 'granted']);
  });

  it('walks assigned, transferred, resolved, awaiting review and closed with a score', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }));
    c.send({ type: 'ASSIGN', agentId: 'a1' });
    expect(c.actor.getSnapshot().context.assigneeId).to.equal('a1');
    c.send({ type: 'TRANSFER', queue: 'sales' });
    expect(c.state()).to.equal('queued');
    expect(c.actor.getSnapshot().context.assigneeId).to.equal(null);
    c.send({ type: 'TRANSFER', agentId: 'a2' });
    expect(c.state()).to.equal('assigned');
    c.send({ type: 'RESOLVE', by: 'a2' });
    expect(c.state()).to.equal('resolved');
    c.send({ type: 'REVIEW_REQUESTED', at: 1000 });
    expect(c.actor.getSnapshot().context.reviewRequestedAt).to.equal(1000);
    c.send(inbound({ kind: 'review', score: 5 }));
    expect(c.state()).to.equal('closed');
    expect(c.effects.map((e) => e.type)).to.include.members(['review.request', 'review.record']);
  });

  it('closes a conversation whose review request timed out, and forgets the request when it reopens', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }));
    c.send({ type: 'RESOLVE', by: 'a1' });
    c.send({ type: 'REVIEW_REQUESTED', at: 1000 });
    expect(c.state()).to.equal('awaitingReview');
    c.send({ type: 'CLOSE', reason: 'review_timeout' });
    expect(c.state()).to.equal('closed');
    c.send(inbound({ kind: 'greeting' }));
    expect(c.state()).to.equal('bot');
    expect(c.actor.getSnapshot().context.reviewRequestedAt).to.equal(null);
  });

  it('reopens a closed conversation and lets the bot handle the new message', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }));
    c.send({ type: 'RESOLVE', by: 'a1' });
    c.send({ type: 'CLOSE', reason: 'no_window' });
    expect(c.state()).to.equal('closed');
    c.effects.length = 0;
    c.send(inbound(issue));
    expect(c.state()).to.equal('queued');
    expect(c.effects.map((e) => e.type)).to.deep.equal(['ticket.open', 'reply.text', 'queue.assign']);
  });

  it('returns to the queue when the agent is unassigned', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }));
    c.send({ type: 'ASSIGN', agentId: 'a1' });
    c.send({ type: 'UNASSIGN' });
    expect(c.state()).to.equal('queued');
  });

  it('tracks the 24-hour window from the last inbound message', () => {
    const c = start();
    c.send(inbound({ kind: 'greeting' }));
    const { context } = c.actor.getSnapshot();
    expect(serviceWindowEnd(context.lastInboundAt)).to.equal((context.lastInboundAt ?? 0) + 24 * 3600 * 1000);
  });

  it('ignores events that do not apply to the state (an assignment of a closed conversation)', () => {
    const c = start();
    c.send(inbound({ kind: 'human' }));
    c.send({ type: 'RESOLVE', by: 'a1' });
    c.send({ type: 'CLOSE', reason: 'no_window' });
    c.send({ type: 'ASSIGN', agentId: 'a1' });
    expect(c.state()).to.equal('closed');
  });

  it('survives persistence: a restored snapshot continues where it stopped', () => {
    const c = start();
    c.send(inbound(issue));
    const persisted = JSON.parse(JSON.stringify(c.actor.getPersistedSnapshot()));
    const restored = createActor(conversationMachine, { snapshot: persisted, input: { conversationId: 'c1' } });
    restored.start();
    restored.send({ type: 'ASSIGN', agentId: 'a9' });
    expect(restored.getSnapshot().value).to.equal('assigned');
  });
});

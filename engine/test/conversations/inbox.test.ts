import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { AgentView, ClientToServerEvents, ConversationView, MessageView, MonitoringView, ServerToClientEvents } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { spawnEngine } from '../support/engine-process.js';
import { connectWhatsApp, conversationOf, detailOf, eventually, type WhatsAppFixture } from '../support/whatsapp.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(url: string, cookie: string | null): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], extraHeaders: { origin: url, ...(cookie ? { cookie } : {}) }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('Live inbox', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let care: Awaited<ReturnType<typeof addMember>>;
  let sales: Awaited<ReturnType<typeof addMember>>;
  const sockets: ClientSocket[] = [];

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'inbox');
    wa = await connectWhatsApp(t, tenant);
    care = await addMember(t, tenant, 'carla@inbox.test', ['care_agent']);
    sales = await addMember(t, tenant, 'samir@inbox.test', ['sales_agent']);
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  async function customerAsksForAPerson(waId: string): Promise<ConversationView> {
    await wa.inject({ from: waId, name: `Customer ${waId}`, type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'human', title: 'Talk to a person' } } });
    return eventually(async () => {
      const c = await conversationOf(tenant, waId);
      return c && c.state !== 'bot' ? c : undefined;
    }, `handoff of ${waId}`);
  }

  it('queues a conversation when no agent is online, and assigns it when one comes online', async () => {
    const conversation = await customerAsksForAPerson('447700200001');
    expect(conversation.state).to.equal('queued');
    expect(conversation.queue).to.equal('care');
    const socket = await connect(t.url, care.client.sessionCookie);
    sockets.push(socket);
    expect(await socket.emitWithAck('presence:set', 'online')).to.deep.equal({ ok: true });
    const assigned = await eventually(async () => {
      const c = await conversationOf(tenant, '447700200001');
      return c?.state === 'assigned' ? c : undefined;
    }, 'the assignment');
    expect(assigned.assignee?.id).to.equal(care.userId);
  });

  it('never assigns past capacity: a full agent leaves the next conversation in the queue', async () => {
    const capacity = await tenant.admin.patch<AgentView>(`/api/agents/${care.userId}`, { capacity: 1 });
    expect(capacity.body.capacity).to.equal(1);
    const second = await customerAsksForAPerson('447700200002');
    await t.engine.sweep();
    expect((await conversationOf(tenant, second.customer.waId ?? ''))?.state).to.equal('queued');
    const monitoring = await tenant.admin.get<MonitoringView>('/api/monitoring');
    expect(monitoring.body.queues.find((q) => q.queue === 'care')?.waiting).to.be.at.least(1);
    expect(monitoring.body.agents.find((a) => a.id === care.userId)).to.deep.include({ load: 1, capacity: 1, presence: 'online' });
    expect(monitoring.body.byState.assigned).to.be.at.least(1);
  });

  it('lets the agent reply inside the window; the simulator receives it; ticks move forward', async () => {
    const conversation = await eventually(() => conversationOf(tenant, '447700200001'), 'conversation');
    const sent = await care.client.post<MessageView>(`/api/conversations/${conversation.id}/messages`, { text: 'Hi, Carla here. How can I help?' });
    expect(sent.status).to.equal(201);
    const received = await eventually(async () => wa.sends('447700200001').find((s) => JSON.stringify(s.request).includes('Carla here')), 'the reply at the simulator');
    expect(received.type).to.equal('text');
    await eventually(async () => {
      const message = (await detailOf(tenant, conversation.id)).messages.find((m) => m.id === sent.body.id);
      return message && ['sent', 'delivered', 'read'].includes(message.status ?? '') ? message : undefined;
    }, 'a delivery status');
  });

  it('marks the last message read with a typing indicator', async () => {
    const conversation = await eventually(() => conversationOf(tenant, '447700200001'), 'conversation');
    expect((await care.client.post(`/api/conversations/${conversation.id}/read`, { typing: true })).status).to.equal(204);
    const inbound = wa.sim.state.inbound.all().filter((m) => m.waId === '447700200001').at(-1);
    expect(inbound?.readAt).to.not.equal(null);
    expect(inbound?.typingIndicator).to.equal(true);
  });

  it('refuses free text after 24 hours with WINDOW_CLOSED, and sends an approved template', async () => {
    const conversation = await eventually(() => conversationOf(tenant, '447700200001'), 'conversation');
    const old = new Date(Date.now() - 25 * 3600_000);
    await t.engine.db.tenant(tenant.id).collection('conversations').updateOne({ customerId: conversation.customer.id }, { $set: { lastInboundAt: old } });
    const refused = await care.client.post<{ error: { code: string } }>(`/api/conversations/${conversation.id}/messages`, { text: 'Still there?' });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('WINDOW_CLOSED');
    await fetch(`${wa.sim.url}/__sim/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wabaId: wa.channel.wabaId, name: 'follow_up', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, we are following up on your request.', example: { body_text: [['Ana']] } }] }) });
    const templates = await care.client.post<{ name: string; status: string }[]>('/api/templates/sync');
    expect(templates.body.find((tpl) => tpl.name === 'follow_up')?.status).to.equal('APPROVED');
    const wrong = await care.client.post(`/api/conversations/${conversation.id}/templates`, { name: 'follow_up', language: 'en_US', parameters: [] });
    expect(wrong.status).to.equal(400);
    const sent = await care.client.post<MessageView>(`/api/conversations/${conversation.id}/templates`, { name: 'follow_up', language: 'en_US', parameters: ['Ana'] });
    expect(sent.status).to.equal(201);
    await eventually(async () => wa.sends('447700200001').find((s) => s.templateName === 'follow_up'), 'the template at the simulator');
  });

  it('keeps sales agents out of care conversations (404) and internal notes off WhatsApp', async () => {
    const conversation = await eventually(() => conversationOf(tenant, '447700200001'), 'conversation');
    expect((await sales.client.get(`/api/conversations/${conversation.id}`)).status).to.equal(404);
    const list = await sales.client.get<ConversationView[]>('/api/conversations');
    expect(list.body.some((c) => c.id === conversation.id)).to.equal(false);
    const before = wa.sends('447700200001').length;
    const note = await care.client.post<MessageView>(`/api/conversations/${conversation.id}/notes`, { text: 'Customer is a VIP' });
    expect(note.body.direction).to.equal('note');
    expect(wa.sends('447700200001').length).to.equal(before);
  });

  it('transfers to sales, resolves, asks for a review and closes with the score', async () => {
    await tenant.admin.patch(`/api/agents/${care.userId}`, { capacity: 5 });
    const conversation = await eventually(() => conversationOf(tenant, '447700200002'), 'conversation');
    await eventually(async () => (await conversationOf(tenant, '447700200002'))?.state === 'assigned', 'assignment after capacity grew');
    const transferred = await tenant.admin.post<ConversationView>(`/api/conversations/${conversation.id}/transfer`, { queue: 'sales' });
    expect(transferred.body).to.deep.include({ state: 'queued', queue: 'sales' });
    await wa.inject({ from: '447700200002', type: 'text', text: { body: 'any news?' } });
    // Resolve only once the customer's new message is in: arriving after the resolution, it would reopen.
    await eventually(async () => (await detailOf(tenant, conversation.id)).messages.some((m) => m.text === 'any news?'), 'the new message');
    await t.engine.services.webhooks.idle();
    const resolved = await tenant.admin.post<ConversationView>(`/api/conversations/${conversation.id}/resolve`);
    expect(resolved.status).to.equal(200);
    await eventually(async () => (await conversationOf(tenant, '447700200002'))?.state === 'awaitingReview', 'the review request');
    await wa.inject({ from: '447700200002', type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'review:4', title: '★★★★' } } });
    await eventually(async () => (await conversationOf(tenant, '447700200002'))?.state === 'closed', 'closing');
    expect(await t.engine.db.tenant(tenant.id).collection('reviews').countDocuments({ conversationId: conversation.id, score: 4 })).to.equal(1);
  });

  it('closes a conversation whose customer leaves the review request unanswered for REVIEW_TIMEOUT_SECONDS, at the next sweep', async () => {
    const waId = '447700200009';
    const conversation = await customerAsksForAPerson(waId);
    await t.engine.services.webhooks.idle();
    const resolved = await tenant.admin.post<ConversationView>(`/api/conversations/${conversation.id}/resolve`);
    expect(resolved.status).to.equal(200);
    await eventually(async () => (await conversationOf(tenant, waId))?.state === 'awaitingReview', 'the review request');
    await t.engine.sweep();
    expect((await conversationOf(tenant, waId))?.state).to.equal('awaitingReview');
    // A day later (the default timeout), as the read model tells the sweep.
    const askedADayAgo = new Date(Date.now() - t.engine.config.reviewTimeoutMs - 1000);
    await t.engine.db.tenant(tenant.id).collection('conversations').updateOne({ customerId: conversation.customer.id }, { $set: { reviewRequestedAt: askedADayAgo } });
    await t.engine.sweep();
    expect((await conversationOf(tenant, waId))?.state).to.equal('closed');
    expect(await t.engine.db.tenant(tenant.id).collection('reviews').countDocuments({ conversationId: conversation.id })).to.equal(0);
  });

  it('handles STOP with one confirmation and a ledger entry, and START resumes', async () => {
    const waId = '447700200003';
    await wa.inject({ from: waId, name: 'Stopper', type: 'text', text: { body: 'STOP' } });
    await eventually(async () => wa.sends(waId).length === 1, 'the confirmation');
    await wa.inject({ from: waId, type: 'text', text: { body: 'stop' } });
    await t.engine.services.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(wa.sends(waId)).to.have.length(1);
    const conversation = await eventually(() => conversationOf(tenant, waId), 'conversation');
    expect(conversation.customer.marketingConsent).to.equal('revoked');
    await wa.inject({ from: waId, type: 'text', text: { body: 'START' } });
    await eventually(async () => (await conversationOf(tenant, waId))?.customer.marketingConsent === 'granted', 'consent back');
    const ledger = await t.engine.db.tenant(tenant.id).collection('consent_ledger').find({ customerId: conversation.customer.id }).toArray();
    expect(ledger.map((entry) => entry.to)).to.deep.equal(['revoked', 'granted']);
    expect(ledger[0]?.evidence).to.have.property('wamid');
  });

  it('lists conversations still with the bot to every agent, but not other queues', async () => {
    const list = await sales.client.get<ConversationView[]>('/api/conversations');
    const withBot = list.body.find((c) => c.customer.waId === '447700200003');
    expect(withBot?.state).to.equal('bot');
    expect(list.body.every((c) => c.queue !== 'care' || c.assignee?.id === sales.userId)).to.equal(true);
    const asked = await sales.client.get<ConversationView[]>('/api/conversations?queue=care');
    expect(asked.body.filter((c) => c.queue === 'care')).to.deep.equal([]);
  });

  it('revokes consent from the "Stop promotions" button and from the user_preferences webhook', async () => {
    await wa.inject({ from: '447700200004', name: 'Buttoner', type: 'button', button: { text: 'Stop promotions', payload: 'Stop promotions' } });
    await eventually(async () => (await conversationOf(tenant, '447700200004'))?.customer.marketingConsent === 'revoked', 'consent revoked by the button');
    await wa.inject({ from: '447700200005', name: 'Prefs', type: 'text', text: { body: 'hello' } });
    await eventually(() => conversationOf(tenant, '447700200005'), 'conversation');
    await fetch(`${wa.sim.url}/__sim/user-preferences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '447700200005', value: 'stop' }) });
    await eventually(async () => (await conversationOf(tenant, '447700200005'))?.customer.marketingConsent === 'revoked', 'consent revoked by preferences');
  });

  it("sends a conversation's live events only to who may see it", async () => {
    const marketer = await addMember(t, tenant, 'mia@inbox.test', ['marketer']);
    const [careSocket, salesSocket, marketerSocket] = await Promise.all([connect(t.url, care.client.sessionCookie), connect(t.url, sales.client.sessionCookie), connect(t.url, marketer.client.sessionCookie)]);
    sockets.push(careSocket, salesSocket, marketerSocket);
    const seen = { care: [] as string[], sales: [] as string[], marketer: [] as string[] };
    careSocket.on('message:created', (m) => seen.care.push(m.text));
    salesSocket.on('message:created', (m) => seen.sales.push(m.text));
    marketerSocket.on('message:created', (m) => seen.marketer.push(m.text));
    const conversation = await eventually(() => conversationOf(tenant, '447700200001'), 'the care conversation');
    expect(conversation.queue).to.equal('care');
    await wa.inject({ from: '447700200001', type: 'text', text: { body: 'for care eyes only' } });
    await eventually(async () => seen.care.includes('for care eyes only'), 'the event at the care agent');
    await t.engine.services.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.sales).to.not.include('for care eyes only');
    expect(seen.marketer).to.deep.equal([]);
  });

  it('has no conversation room to join: an open conversation\'s events reach the agent through the rooms of their roles', async () => {
    expect(t.engine.socketEvents.map((spec) => String(spec.event))).to.include('presence:set').and.not.include.members(['conversation:join']);
    const socket = await connect(t.url, care.client.sessionCookie);
    sockets.push(socket);
    const seen: string[] = [];
    socket.on('message:created', (m) => seen.push(m.text));
    await wa.inject({ from: '447700200001', type: 'text', text: { body: 'seen without joining' } });
    await eventually(async () => seen.includes('seen without joining'), 'the event at the care agent');
  });

  it('assigns a new conversation at once to an agent who is already online', async () => {
    await tenant.admin.patch(`/api/agents/${care.userId}`, { capacity: 10 });
    await customerAsksForAPerson('447700200007');
    const assigned = await eventually(async () => {
      const c = await conversationOf(tenant, '447700200007');
      return c?.state === 'assigned' ? c : undefined;
    }, 'the immediate assignment', 5000);
    expect(assigned.assignee?.id).to.equal(care.userId);
  });

  it('delivers an inbound received by one engine process to an agent connected to another', async () => {
    const other = await spawnEngine({ MONGODB_URI: t.engine.config.mongodbUri, REDIS_URL: t.engine.config.redisUrl, DB_PREFIX: t.engine.config.dbPrefix });
    try {
      const socket = await connect(other.url, care.client.sessionCookie);
      sockets.push(socket);
      const received = new Promise<MessageView>((resolve) => socket.on('message:created', (m) => m.text === 'cross-process hello' && resolve(m)));
      await wa.inject({ from: '447700200006', type: 'text', text: { body: 'cross-process hello' } });
      expect((await received).direction).to.equal('inbound');
    } finally {
      await other.stop();
    }
  });
});

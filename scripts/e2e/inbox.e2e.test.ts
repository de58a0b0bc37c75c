import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentView } from '@parley/common';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';
import { browserSuite, choose, DESKTOP, fill, shot, TABLET } from './browser-support.js';

const CUSTOMER = { waId: '447700900101', name: 'Ana Live' };

function row(page: Page, conversationId: string) {
  return page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"]`);
}

function outbound(page: Page, text: string) {
  return page.locator('[data-testid="message"][data-direction="outbound"]', { hasText: text });
}

describe('Live inbox in the browser', function () {
  this.timeout(180_000);

  const suite = browserSuite();
  const agentEmail = `carla.${Date.now().toString(36)}@inbox-e2e.test`;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let agentContext: BrowserContext;
  let agent: Page;
  let admin: Page;
  let conversationId = '';

  before(async function () {
    const { engine, support } = suite;
    tenant = await support.fixtures.onboardTenant(engine, 'inbox-e2e');
    wa = await suite.connectWhatsApp(tenant);
    await support.fixtures.addMember(engine, tenant, agentEmail, ['care_agent']);
    agentContext = await suite.browser.newContext({ viewport: DESKTOP });
    agent = await agentContext.newPage();
  });

  it('signs the agent in to the inbox and sets them online from the header', async function () {
    await suite.signIn(agent, agentEmail);
    await agent.getByTestId('app-shell').waitFor();
    await agent.getByTestId('nav-inbox').click();
    await agent.getByTestId('inbox-page').waitFor();
    await agent.locator('[data-testid="realtime-status"][data-status="online"]').waitFor();
    await agent.locator('[data-testid="presence-switch"][data-presence="online"]').waitFor();
    // The engine assigns only to agents it knows are online: the header must have told it.
    await suite.support.whatsapp.eventually(async () => {
      const agents = await tenant.admin.get<AgentView[]>('/api/agents');
      return agents.body.find((a) => a.name === agentEmail)?.presence === 'online';
    }, 'the agent online at the engine');
    await agent.getByTestId('conversation-list-empty').waitFor();
    await shot(agent, 'inbox-01-empty');
  });

  it('shows a message injected into the simulator live, and the hand-off to a person', async function () {
    await wa.inject({ from: CUSTOMER.waId, name: CUSTOMER.name, type: 'text', text: { body: 'Hello, my order has not arrived' } });
    const live = agent.locator('[data-testid="conversation-row"]', { hasText: CUSTOMER.name });
    await live.waitFor({ timeout: 15_000 });
    conversationId = (await live.getAttribute('data-conversation-id')) ?? '';
    expect(conversationId).to.match(/^[a-f0-9]{24}$/);
    await shot(agent, 'inbox-02-live-row');

    await wa.inject({ from: CUSTOMER.waId, type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'human', title: 'Talk to a person' } } });
    await suite.support.whatsapp.eventually(async () => ['queued', 'assigned'].includes((await row(agent, conversationId).getAttribute('data-state')) ?? ''), 'the hand-off in the list');
  });

  it('lets the agent take the conversation and reply; the simulator receives it and the ticks move forward', async function () {
    await row(agent, conversationId).click();
    await agent.locator('[data-testid="message"][data-direction="inbound"]', { hasText: 'my order has not arrived' }).waitFor();
    // An online agent may already have been given it by the engine; otherwise they take it.
    if ((await row(agent, conversationId).getAttribute('data-state')) === 'queued') await agent.getByTestId('conversation-take').click();
    await agent.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"][data-state="assigned"]`).waitFor();
    expect(await agent.getByTestId('conversation-assignee-name').textContent()).to.equal('Assigned to you');
    await agent.getByTestId('inbox-tab-mine').click();
    await row(agent, conversationId).waitFor();

    await agent.locator('[data-testid="window-countdown"][data-open="true"]').waitFor();
    const reply = 'Hi Ana, Carla here. Let me check your order.';
    await fill(agent, 'composer-input', reply);
    await agent.getByTestId('composer-send').click();
    await outbound(agent, reply).waitFor();
    const received = await suite.support.whatsapp.eventually(async () => wa.sends(CUSTOMER.waId).find((send) => JSON.stringify(send.request).includes('Carla here')), 'the reply at the simulator');
    expect(received.type).to.equal('text');
    await suite.support.whatsapp.eventually(async () => ['delivered', 'read'].includes((await outbound(agent, reply).getAttribute('data-status')) ?? ''), 'the delivered ticks');
    await shot(agent, 'inbox-03-replied');
    // A long preview is cut inside the row: its time stays in view.
    const listRow = await agent.getByTestId('conversation-row').first().boundingBox();
    const rowTime = await agent.getByTestId('conversation-row').first().locator('.row__when').boundingBox();
    expect(listRow && rowTime && rowTime.x + rowTime.width <= listRow.x + listRow.width, 'the row’s time inside the row').to.equal(true);
  });

  it('keeps internal notes inside Parley', async function () {
    const before = wa.sends(CUSTOMER.waId).length;
    await agent.getByTestId('composer-note-toggle').click();
    await fill(agent, 'composer-input', 'Customer seems upset, be gentle');
    await agent.getByTestId('composer-send').click();
    await agent.locator('[data-testid="message"][data-direction="note"]', { hasText: 'be gentle' }).waitFor();
    expect(wa.sends(CUSTOMER.waId)).to.have.length(before);
    await agent.getByTestId('composer-mode-reply').click();
  });

  it('offers only approved templates once the 24-hour window has closed, and sends one', async function () {
    const { engine } = suite;
    const conversation = await suite.support.whatsapp.conversationOf(tenant, CUSTOMER.waId);
    const lastWrote = new Date(Date.now() - 25 * 3600_000);
    await engine.engine.db.tenant(tenant.id).collection('conversations').updateOne({ customerId: conversation?.customer.id }, { $set: { lastInboundAt: lastWrote } });
    await fetch(`${wa.sim.url}/__sim/templates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wabaId: wa.channel.wabaId, name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['Ana', 'A-1']] } }] }),
    });

    // The page still believes the window is open: the engine's refusal is what closes it here.
    await fill(agent, 'composer-input', 'Are you still there?');
    await agent.getByTestId('composer-send').click();
    await agent.getByTestId('window-closed-banner').waitFor();
    expect(await agent.getByTestId('window-closed-banner').textContent()).to.contain('more than 24 hours ago');
    expect(await agent.getByTestId('composer-input').count()).to.equal(0);
    await agent.locator('[data-testid="window-countdown"][data-open="false"]').waitFor();
    expect(wa.sends(CUSTOMER.waId).some((send) => JSON.stringify(send.request).includes('still there'))).to.equal(false);

    // Opened afresh, the page knows from the window's end alone and offers templates straight away.
    await agent.reload();
    await agent.getByTestId('template-picker').waitFor();
    await agent.getByTestId('window-closed-banner').waitFor();
    expect(await agent.getByTestId('composer-input').count()).to.equal(0);

    await agent.getByTestId('templates-sync').click();
    await choose(agent, 'template-select', 'order_update');
    await fill(agent, 'template-param-1', 'Ana');
    await fill(agent, 'template-param-2', 'A-1');
    expect(await agent.getByTestId('template-preview').textContent()).to.equal('Hi Ana, your order A-1 is on its way.');
    await shot(agent, 'inbox-04-window-closed-template');
    await agent.getByTestId('template-send').click();
    await suite.support.whatsapp.eventually(async () => wa.sends(CUSTOMER.waId).find((send) => send.templateName === 'order_update'), 'the template at the simulator');
    await agent.locator('[data-testid="message"][data-direction="outbound"][data-type="template"]').waitFor();
  });

  it('shows the tenant admin the agent, the traffic and the conversation on the monitoring screen', async function () {
    admin = await suite.newPage();
    await suite.signIn(admin, tenant.adminEmail);
    await admin.getByTestId('nav-monitoring').click();
    await admin.getByTestId('monitoring-page').waitFor();
    await admin.locator('[data-testid="agent-row"][data-presence="online"]', { hasText: agentEmail }).waitFor();
    expect(Number(await admin.locator('[data-testid="state-bar"][data-state="assigned"]').getAttribute('data-count'))).to.be.at.least(1);
    await admin.getByTestId('rate-inbound').waitFor();
    await shot(admin, 'inbox-06-monitoring');

    await admin.getByTestId('nav-channels').click();
    await admin.locator(`[data-testid="channel-row"][data-phone-number-id="${suite.support.whatsapp.PNID}"]`).waitFor();
    await shot(admin, 'inbox-07-channels');
  });

  it('lets the tenant admin add a product for the bot, and names a duplicate under its field', async function () {
    await admin.getByTestId('nav-lookups').click();
    await admin.getByTestId('lookups-tab-products').click();
    for (const attempt of ['first', 'duplicate']) {
      await admin.getByTestId('lookup-create').click();
      await fill(admin, 'lookup-name', 'Blue kettle');
      await fill(admin, 'lookup-description', '1.7 l, stainless steel');
      await fill(admin, 'lookup-price', '39.90');
      await admin.getByTestId('lookup-save').click();
      if (attempt === 'first') await admin.getByTestId('lookup-dialog').waitFor({ state: 'detached' });
    }
    await admin.getByTestId('lookup-dialog').getByText('already used in products').waitFor();
    await shot(admin, 'inbox-08-lookup-duplicate');
    await admin.keyboard.press('Escape');
    expect(await admin.locator('[data-testid="lookup-row"][data-name="Blue kettle"]').count()).to.equal(1);
  });

  it('keeps the conversation list in a drawer on a tablet', async function () {
    const tablet = await agentContext.newPage();
    await tablet.setViewportSize(TABLET);
    await tablet.goto(`${suite.base}/inbox/${conversationId}`);
    await tablet.getByTestId('conversation-timeline').waitFor();
    expect(await tablet.getByTestId('conversation-list').count()).to.equal(0);
    await tablet.getByTestId('inbox-list-open').click();
    await row(tablet, conversationId).waitFor();
    // Let the drawer finish sliding in, so the screenshot shows where it rests.
    await tablet.waitForTimeout(400);
    await shot(tablet, 'inbox-05-tablet-drawer');
    await tablet.close();
  });
});

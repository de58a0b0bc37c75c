import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { AuditEntryView } from '@parley/common';
import { browserSuite, fill, shot, TABLET } from './browser-support.js';

const NOW = Math.floor(Date.now() / 1000);

describe('Dead letters in the admin console', function () {
  this.timeout(180_000);

  const suite = browserSuite();
  let page: Page;

  before(async function () {
    const { engine, support } = suite;
    const tenant = await support.fixtures.onboardTenant(engine, `dead-${Date.now().toString(36)}`);
    const wa = await suite.connectWhatsApp(tenant);
    // Two customer messages stored as the intake does, then left with three attempts that never
    // finished (as three crashes leave them): the sweep parks them.
    const webhooks = engine.engine.services.webhooks;
    for (const [i, waId] of ['447700555001', '447700555002'].entries()) {
      const body = support.whatsapp.messagesEnvelope([{ from: waId, id: `wamid.dead.${i}`, timestamp: String(NOW + i), type: 'text', text: { body: 'hello' } }], [{ wa_id: waId, profile: { name: `Dead ${i}` } }]);
      const raw = Buffer.from(JSON.stringify(body));
      const { signatureSha256 } = await import('../whatsapp-simulator/index.js');
      await webhooks.receive(raw, signatureSha256(support.whatsapp.APP_SECRET, raw));
      await engine.engine.db.tenant(tenant.id).collection('webhook_pending').updateOne({ _id: `msg:wamid.dead.${i}` as never }, { $set: { attempts: 3 } });
    }
    await webhooks.sweep(tenant.id, 0);
    expect(wa.sends()).to.have.length(0);
    page = await suite.newPage();
    await page.goto(`${suite.base}/admin/`);
    await fill(page, 'admin-login-email', engine.platformAdmin.email);
    await fill(page, 'admin-login-password', engine.platformAdmin.password);
    await page.getByTestId('admin-login-submit').click();
    await page.getByTestId('tenants-page').waitFor();
  });

  it('lists parked items with their tenant, reason, size and first sighting', async function () {
    await page.getByTestId('nav-dead-letters').click();
    await page.getByTestId('dead-letters-page').waitFor();
    await page.locator('[data-testid="dead-letter-row"]').nth(1).waitFor();
    expect(await page.getByTestId('dead-letter-count').textContent()).to.contain('2');
    const row = await page.locator('[data-testid="dead-letter-row"][data-key="msg:wamid.dead.0"]').textContent();
    expect(row).to.contain('Tenant dead-').and.to.contain('never finished in 3 attempts').and.to.match(/\d+(\.\d)? (B|KB)/);
    await shot(page, 'admin-dead-letters');
  });

  it('fits a tablet: the list and its actions without scrolling sideways', async function () {
    const tablet = await page.context().newPage();
    await tablet.setViewportSize(TABLET);
    await tablet.goto(`${suite.base}/admin/dead-letters`);
    await tablet.locator('[data-testid="dead-letter-row"]').nth(1).waitFor();
    const overflow = await tablet.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).to.equal(0);
    expect(await tablet.locator('[data-testid="dead-letter-row"][data-key="msg:wamid.dead.0"]').getByTestId('dead-letter-retry').isVisible()).to.equal(true);
    await shot(tablet, 'admin-dead-letters-tablet');
    await tablet.close();
  });

  it('retries one and discards the other, each after a confirmation, and both land in the platform audit', async function () {
    await page.locator('[data-testid="dead-letter-row"][data-key="msg:wamid.dead.0"]').getByTestId('dead-letter-retry').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-testid="dead-letter-row"][data-key="msg:wamid.dead.0"]').waitFor({ state: 'detached' });
    await page.locator('[data-testid="dead-letter-row"][data-key="msg:wamid.dead.1"]').getByTestId('dead-letter-discard').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Discard' }).click();
    await page.locator('[data-testid="dead-letter-row"]').first().waitFor({ state: 'detached' });
    expect(await page.getByTestId('dead-letter-count').textContent()).to.contain('0');
    await shot(page, 'admin-dead-letters-empty');
    const audit = await suite.engine.engine.services.audit.listPlatform({ limit: 10 });
    const actions = audit.map((entry: AuditEntryView) => entry.action);
    expect(actions).to.include('webhook.dead_letter_retried').and.to.include('webhook.dead_letter_discarded');
  });
});

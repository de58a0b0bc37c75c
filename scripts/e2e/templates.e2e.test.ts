import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TemplateView } from '@parley/common';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';
import { browserSuite, fill, shot, TABLET } from './browser-support.js';

describe('Message templates in the browser', function () {
  this.timeout(180_000);

  const suite = browserSuite();
  const marketerEmail = `mia.${Date.now().toString(36)}@templates-e2e.test`;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let page: Page;

  before(async function () {
    const { engine, support } = suite;
    tenant = await support.fixtures.onboardTenant(engine, 'templates-e2e');
    wa = await suite.connectWhatsApp(tenant);
    // WhatsApp reviews when the test says so, not on a timer.
    await fetch(`${wa.sim.url}/__sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateReviewMs: null }) });
    await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer']);
    page = await suite.newPage();
  });

  it('opens an empty template page for the marketer', async function () {
    await suite.signIn(page, marketerEmail);
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('nav-templates').click();
    await page.getByTestId('templates-page').waitFor();
    await page.getByTestId('templates-empty').waitFor();
    await page.locator('[data-testid="realtime-status"][data-status="online"]').waitFor();
    await shot(page, 'templates-01-empty');
  });

  it('shows the linter’s problem as the marketer types, and submits once it is fixed', async function () {
    await page.getByTestId('template-create').click();
    await page.getByTestId('template-editor').waitFor();
    await fill(page, 'template-name', 'spring_offer');
    await fill(page, 'template-body', '{{1}}, take {{2}} off this week.');
    await fill(page, 'example-body-1', 'Ana');
    await fill(page, 'example-body-2', '20%');
    await page.getByTestId('template-problem').getByText('must not start with a variable').waitFor();
    expect(await page.getByTestId('template-submit').isDisabled()).to.equal(true);
    await shot(page, 'templates-02-linter');

    await fill(page, 'template-body', 'Hi {{1}}, take {{2}} off this week.');
    await fill(page, 'template-footer', 'Reply STOP to opt out');
    await page.getByTestId('template-clean').waitFor();
    expect(await page.getByTestId('preview-body').textContent()).to.equal('Hi Ana, take 20% off this week.');
    await shot(page, 'templates-03-clean-preview');
    await page.getByTestId('template-submit').click();
    await page.getByTestId('template-editor').waitFor({ state: 'detached' });
    await page.locator('[data-testid="template-row"][data-name="spring_offer"] [data-testid="template-status"][data-status="PENDING"]').waitFor();
  });

  it('turns the row APPROVED live when WhatsApp approves the template', async function () {
    const [template] = (await tenant.admin.get<TemplateView[]>('/api/templates')).body;
    expect(template?.name).to.equal('spring_offer');
    const review = await fetch(`${wa.sim.url}/__sim/templates/${template?.graphId ?? ''}/review`, { method: 'POST' });
    expect(review.status).to.equal(200);
    await page.locator('[data-testid="template-row"][data-name="spring_offer"] [data-testid="template-status"][data-status="APPROVED"]').waitFor({ timeout: 15_000 });
    await shot(page, 'templates-04-approved-live');
  });

  it('fits a tablet', async function () {
    await page.setViewportSize(TABLET);
    await page.getByTestId('template-edit').first().click();
    await page.getByTestId('template-editor').waitFor();
    await shot(page, 'templates-05-tablet-editor');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).to.be.at.most(0);
  });
});

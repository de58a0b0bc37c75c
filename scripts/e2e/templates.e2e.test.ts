import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TemplateView } from '@parley/common';
import type { TestEngine } from '../../engine/test/support/harness.js';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../artifacts/e2e/', import.meta.url));
const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 820, height: 1180 };

type Support = {
  harness: typeof import('../../engine/test/support/harness.js');
  fixtures: typeof import('../../engine/test/support/fixtures.js');
  whatsapp: typeof import('../../engine/test/support/whatsapp.js');
};

/** naive-ui puts the test id on an input's wrapper; the native field is inside it. */
async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).locator('input, textarea').first().fill(value);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

describe('Message templates in the browser', function () {
  this.timeout(180_000);

  const marketerEmail = `mia.${Date.now().toString(36)}@templates-e2e.test`;
  let support: Support;
  let engine: TestEngine | undefined;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base = '';

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is required at ${CHROMIUM} for the browser end-to-end test: install Debian's "chromium" package.`);
    }
    await mkdir(SHOTS, { recursive: true });
    support = {
      harness: await import('../../engine/test/support/harness.js'),
      fixtures: await import('../../engine/test/support/fixtures.js'),
      whatsapp: await import('../../engine/test/support/whatsapp.js'),
    };
    engine = await support.harness.startTestEngine();
    base = engine.url.replace(/\/$/, '');
    tenant = await support.fixtures.onboardTenant(engine, 'templates-e2e');
    wa = await support.whatsapp.connectWhatsApp(engine, tenant);
    // WhatsApp reviews when the test says so, not on a timer.
    await fetch(`${wa.sim.url}/__sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateReviewMs: null }) });
    await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  });

  after(async function () {
    await browser?.close();
    await wa?.close();
    if (engine) {
      // By name: listing every database waits on whatever other suites sharing the server hold open.
      await engine.engine.db.dropTenant(tenant.id);
      await engine.engine.db.platform.dropDatabase();
    }
    await engine?.close();
  });

  it('opens an empty template page for the marketer', async function () {
    await page.goto(`${base}/login`);
    await fill(page, 'login-email', marketerEmail);
    await fill(page, 'login-password', support.fixtures.PASSWORD);
    await page.getByTestId('login-submit').click();
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
    if (!wa) throw new Error('the simulator did not start');
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

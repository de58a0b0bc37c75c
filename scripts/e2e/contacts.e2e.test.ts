import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ContactPage } from '@parley/common';
import type { TestEngine } from '../../engine/test/support/harness.js';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { ApiClient } from '../../engine/test/support/api-client.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../artifacts/e2e/', import.meta.url));
const ROWS = 3000;

type Support = {
  harness: typeof import('../../engine/test/support/harness.js');
  fixtures: typeof import('../../engine/test/support/fixtures.js');
};

async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).locator('input, textarea').first().fill(value);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** A file like a marketer's export: a few thousand people, three bad rows, one duplicate. */
function marketerCsv(): string {
  const lines = ['Phone,Full name,Email,Consent,Consent source,Consent date,Plan'];
  for (let i = 0; i < ROWS; i++) lines.push(`+1 415 555 ${1000 + i},Person ${i},p${i}@example.com,granted,website,2024-05-01,${i % 2 ? 'fibre' : 'mobile'}`);
  lines[5] = 'not a phone,Broken,,granted,website,2024-05-01,fibre';
  lines[6] = ',Nobody,,,,,';
  lines[7] = '+1 415 555 1100,Twice,,yes,store,2024-05-02,fibre';
  lines[8] = '+1 415 555 1007,Bad mail,nope@,granted,website,2024-05-01,fibre';
  return `${lines.join('\n')}\n`;
}

describe('Contact import in the browser', function () {
  this.timeout(180_000);

  const marketerEmail = `mia.${Date.now().toString(36)}@contacts-e2e.test`;
  let support: Support;
  let engine: TestEngine | undefined;
  let tenant: TenantFixture;
  let marketer: ApiClient;
  let browser: Browser | undefined;
  let page: Page;
  let base = '';
  let csvPath = '';

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required at ${CHROMIUM} for the browser end-to-end test: install Debian's "chromium" package.`);
    await mkdir(SHOTS, { recursive: true });
    support = {
      harness: await import('../../engine/test/support/harness.js'),
      fixtures: await import('../../engine/test/support/fixtures.js'),
    };
    engine = await support.harness.startTestEngine();
    base = engine.url.replace(/\/$/, '');
    tenant = await support.fixtures.onboardTenant(engine, 'contacts-e2e');
    marketer = (await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer'])).client;
    csvPath = path.join(tmpdir(), `spring-customers-${Date.now()}.csv`);
    await writeFile(csvPath, marketerCsv());
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  });

  after(async function () {
    await browser?.close();
    if (engine) await support.harness.dropTestData(engine.engine);
    await engine?.close();
  });

  it('opens the empty Contacts page from the sidebar', async function () {
    await page.goto(`${base}/login`);
    await fill(page, 'login-email', marketerEmail);
    await fill(page, 'login-password', support.fixtures.PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-page').waitFor();
    await page.getByText('No contacts here yet').waitFor();
    await shot(page, 'contacts-01-empty');
  });

  it('uploads a CSV, maps its columns, watches the progress bar reach 100% and reads the report', async function () {
    await page.getByTestId('contacts-import').click();
    await page.getByTestId('contact-import-page').waitFor();
    await page.getByTestId('import-file').setInputFiles(csvPath);
    await page.getByTestId('import-mapping').waitFor();
    // The columns are guessed from their names; the marketer keeps "Plan" as an attribute.
    expect(await page.getByTestId('map-phone').textContent()).to.contain('Phone');
    expect(await page.getByTestId('map-consentStatus').textContent()).to.contain('Consent');
    await page.getByTestId('attr-Plan').click();
    await fill(page, 'import-new-list', 'Spring customers');
    await shot(page, 'contacts-02-mapping');

    await page.getByTestId('import-run').click();
    const seen: number[] = [];
    const bar = page.getByTestId('import-progress');
    while (!(await page.getByTestId('import-report').isVisible())) {
      const value = Number(await bar.getAttribute('aria-valuenow', { timeout: 100 }).catch(() => null));
      if (Number.isFinite(value) && value > 0) seen.push(value);
      await page.waitForTimeout(30);
    }
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    expect(await bar.getAttribute('aria-valuenow')).to.equal('100');
    expect(await page.getByTestId('report-created').textContent()).to.contain(String(ROWS - 4));
    expect(await page.getByTestId('report-merged').textContent()).to.contain('1');
    expect(await page.getByTestId('report-rejected').textContent()).to.contain('3');
    await page.getByText('the phone number has letters or symbols').waitFor();
    await page.getByText('not a valid email address').waitFor();
    expect(await page.getByTestId('report-download').getAttribute('href')).to.match(/\/api\/contact-imports\/[a-f0-9]{24}\/rejections\.csv$/);
    await shot(page, 'contacts-03-report');

    const imported = await marketer.get<ContactPage>('/api/contacts?limit=1');
    expect(imported.body.total).to.equal(ROWS - 4);
  });

  it('shows the imported people with their list, and fits a phone screen', async function () {
    await page.goto(`${base}/contacts`);
    await page.getByTestId('contacts-table').getByText('Person 2999', { exact: true }).waitFor();
    await page.getByTestId('contacts-tab-lists').click();
    await page.getByRole('button', { name: 'Spring customers' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('contacts-page').waitFor();
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).to.be.at.most(1);
    await shot(page, 'contacts-04-phone');
  });
});

import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { ContactPage } from '@parley/common';
import type { ApiClient } from '../../engine/test/support/api-client.js';
import { browserSuite, fill, shot } from './browser-support.js';

const ROWS = 3000;

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

const SHEET_ROWS = 40;

/** The same kind of list saved from Excel: phones typed as numbers, consent dates as date cells, one bad row. */
async function marketerWorkbook(file: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Trade fair');
  sheet.addRow(['Phone', 'Full name', 'Consent', 'Consent date']);
  for (let i = 0; i < SHEET_ROWS; i++) sheet.addRow([14155556000 + i, `Visitor ${i}`, 'yes', new Date(Date.UTC(2024, 5, 1 + (i % 28)))]);
  sheet.getRow(5).values = ['+1 415 CALL ME', 'Broken visitor', 'yes', new Date(Date.UTC(2024, 5, 1))];
  await book.xlsx.writeFile(file);
}

describe('Contact import in the browser', function () {
  this.timeout(180_000);

  const suite = browserSuite();
  const marketerEmail = `mia.${Date.now().toString(36)}@contacts-e2e.test`;
  let marketer: ApiClient;
  let page: Page;
  let csvPath = '';
  let xlsxPath = '';

  before(async function () {
    const { engine, support } = suite;
    const tenant = await support.fixtures.onboardTenant(engine, 'contacts-e2e');
    marketer = (await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer'])).client;
    csvPath = path.join(tmpdir(), `spring-customers-${Date.now()}.csv`);
    await writeFile(csvPath, marketerCsv());
    xlsxPath = path.join(tmpdir(), `trade-fair-${Date.now()}.xlsx`);
    await marketerWorkbook(xlsxPath);
    page = await suite.newPage();
  });

  it('opens the empty Contacts page from the sidebar', async function () {
    await suite.signIn(page, marketerEmail);
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
    expect(await page.getByTestId('report-created').textContent()).to.contain((ROWS - 4).toLocaleString('en-US'));
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
    await page.goto(`${suite.base}/contacts`);
    await page.getByTestId('contacts-table').getByText('Person 0', { exact: true }).waitFor();
    await page.getByTestId('contacts-tab-lists').click();
    await page.getByRole('button', { name: 'Spring customers' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('contacts-page').waitFor();
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).to.be.at.most(1);
    await shot(page, 'contacts-04-phone');
  });

  it('imports an Excel workbook chosen with the same file picker, and reads its report', async function () {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.base}/contacts/import`);
    await page.getByTestId('contact-import-page').waitFor();
    expect(await page.getByTestId('import-file').getAttribute('accept')).to.contain('.xlsx');
    await page.getByTestId('import-file').setInputFiles(xlsxPath);
    await page.getByTestId('import-mapping').waitFor();
    expect(await page.getByTestId('map-phone').textContent()).to.contain('Phone');
    await shot(page, 'contacts-05-xlsx-mapping');
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('report-created').textContent()).to.contain((SHEET_ROWS - 1).toLocaleString('en-US'));
    expect(await page.getByTestId('report-rejected').textContent()).to.contain('1');
    await page.getByText('the phone number has letters or symbols').waitFor();
    await shot(page, 'contacts-06-xlsx-report');

    const visitor = await marketer.get<ContactPage>(`/api/contacts?q=${encodeURIComponent('+14155556000')}`);
    expect(visitor.body.items.map((c) => [c.phone, c.name, c.marketingConsent])).to.deep.equal([['+14155556000', 'Visitor 0', 'granted']]);
  });
});

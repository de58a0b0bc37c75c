import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { CampaignView } from '@parley/common';
import type { ApiClient } from '../../engine/test/support/api-client.js';
import { customer } from '../../engine/test/campaigns/campaign-fixtures.js';
import { customerIdOf } from '../../engine/src/domains/customers/index.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';
import { browserSuite, choose, fill, shot, TABLET } from './browser-support.js';

const CONTACTS = 36;
const TEMPLATE = 'spring_sale';
const LIST = 'Spring customers';
const OWN_PHONE = '+34 699 000 111';
const OWN_WA_ID = '34699000111';

/** Spanish mobile numbers: the simulator answers for them, nobody real is written to. */
function contactsCsv(count: number): string {
  const rows = Array.from({ length: count }, (_, index) => `+34 612 345 ${String(100 + index)},Guest ${index + 1},granted,web form`);
  return ['Phone,Name,Consent,Consent source', ...rows].join('\n');
}

async function control(wa: WhatsAppFixture, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${wa.sim.url}/__sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`simulator POST ${path}: ${response.status} ${await response.text()}`);
}

async function count(page: Page, testId: string, stage: string): Promise<number> {
  return Number(await page.locator(`[data-testid="${testId}"][data-stage="${stage}"]`).getAttribute('data-count'));
}

describe('Campaigns in the browser', function () {
  this.timeout(240_000);

  const suite = browserSuite();
  const marketerEmail = `mia.${Date.now().toString(36)}@campaigns-e2e.test`;
  let marketer: ApiClient;
  let wa: WhatsAppFixture;
  let page: Page;
  let campaignId = '';

  before(async function () {
    const { engine, support } = suite;
    const tenant = await support.fixtures.onboardTenant(engine, 'campaigns-e2e');
    wa = await suite.connectWhatsApp(tenant);
    marketer = (await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer'])).client;
    // A test send goes only to a customer who agreed to marketing: the marketer's own number is one.
    await engine.engine.services.customers.customers(tenant.id).insertOne({
      ...customer(0, { identityKey: `wa:${OWN_WA_ID}`, phone: `+${OWN_WA_ID}`, name: 'Marketer', country: 'ES', source: 'manual' }),
      _id: customerIdOf(tenant.id, `wa:${OWN_WA_ID}`),
    });
    // Every message is read, soon: the test watches the funnel fill, not the clock.
    await control(wa, '/settings', { readProbability: 1, statusDelays: { sentMs: [50, 150], deliveredMs: [100, 400], readMs: [200, 800] } });
    page = await suite.newPage();
  });

  it('signs the marketer in and shows the empty campaigns page with its call to action', async function () {
    await suite.signIn(page, marketerEmail);
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-empty').waitFor();
    await shot(page, 'campaigns-01-empty');
  });

  it('imports a CSV of contacts who consented through the contacts page, and syncs an approved marketing template', async function () {
    const csvPath = path.join(tmpdir(), `campaign-contacts-${Date.now()}.csv`);
    await writeFile(csvPath, contactsCsv(CONTACTS));
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-import').click();
    await page.getByTestId('import-file').setInputFiles(csvPath);
    await page.getByTestId('import-mapping').waitFor();
    await fill(page, 'import-new-list', LIST);
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('report-created').textContent()).to.contain(String(CONTACTS));

    await control(wa, '/templates', {
      wabaId: wa.channel.wabaId,
      name: TEMPLATE,
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, spring is here: {{2}} off everything this week.', example: { body_text: [['Ana', '20%']] } },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
      ],
    });
    const synced = await marketer.post('/api/templates/sync');
    expect(synced.status, JSON.stringify(synced.body)).to.equal(200);
  });

  it('builds the campaign step by step: audience with its live count, template, variables, schedule, review', async function () {
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-empty-create').click();
    await page.getByTestId('campaign-builder').waitFor();
    await fill(page, 'campaign-name', 'Spring sale');
    await choose(page, 'campaign-lists', LIST);
    await page.keyboard.press('Escape');
    await page.locator(`[data-testid="audience-counts"][data-total="${CONTACTS}"][data-consenting="${CONTACTS}"]`).waitFor();
    await shot(page, 'campaigns-02-audience');

    await page.getByTestId('builder-next').click();
    await choose(page, 'campaign-template', TEMPLATE);
    await page.getByTestId('campaign-preview').waitFor();
    await page.getByTestId('builder-next').click();

    await page.locator('[data-testid="variable-row"][data-parameter="1"]').waitFor();
    await fill(page, 'variable-fallback-1', 'there');
    await choose(page, 'variable-source-2', 'Fixed text');
    await fill(page, 'variable-text-2', '25%');
    expect(await page.getByTestId('campaign-preview-body').textContent()).to.equal('Hi Maria, spring is here: 25% off everything this week.');
    await shot(page, 'campaigns-03-variables');
    await page.getByTestId('builder-next').click();

    // A time that has passed is refused in words before anything reaches the engine.
    await page.getByTestId('campaign-send-later').click();
    await fill(page, 'campaign-schedule-at', '2020-01-01 09:00');
    await page.keyboard.press('Enter');
    await page.getByTestId('builder-next').click();
    await page.getByText('That time has passed').waitFor();
    await page.getByTestId('campaign-send-now').click();
    await page.getByTestId('cost-estimate').waitFor();
    // A marketer may not read channels: the builder still names the number's throughput, the pace's ceiling.
    expect(await page.getByTestId('campaign-throughput-hint').textContent()).to.contain('At most 80 per second').and.contain('+1 555 010 0001');
    await shot(page, 'campaigns-04-schedule');
    await page.getByTestId('builder-next').click();

    await page.getByTestId('builder-step-review').waitFor();
    expect(await page.getByTestId('review-reach').textContent()).to.contain(`${CONTACTS} of ${CONTACTS}`);
    await shot(page, 'campaigns-05-review');
  });

  it('sends a test of the draft to the marketer’s own phone', async function () {
    await fill(page, 'campaign-test-phone', OWN_PHONE);
    await page.getByTestId('campaign-test-send').click();
    await page.getByText('Test sent').waitFor();
    const test = await suite.support.whatsapp.eventually(async () => wa.sends(OWN_WA_ID).find((send) => send.templateName === TEMPLATE), 'the test at the simulator');
    expect(JSON.stringify(test.request)).to.contain('25%');
  });

  it('launches the campaign and watches it reach 100% with deliveries and reads', async function () {
    await page.getByTestId('builder-launch').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Send now' }).click();
    await page.getByTestId('campaign-detail').waitFor();
    campaignId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(campaignId).to.match(/^[a-f0-9]{24}$/);

    await page.locator('[data-testid="campaign-progress"][data-percent="100"]').waitFor({ timeout: 60_000 });
    await suite.support.whatsapp.eventually(async () => (await count(page, 'funnel-stage', 'read')) === CONTACTS, 'every message read in the funnel', 60_000);
    expect(await count(page, 'funnel-stage', 'delivered')).to.equal(CONTACTS);
    expect(await count(page, 'funnel-stage', 'sent')).to.equal(CONTACTS);
    expect(wa.sends().filter((send) => send.templateName === TEMPLATE && send.waId !== OWN_WA_ID)).to.have.length(CONTACTS);
    await page.locator('[data-testid="campaign-detail"][data-status="completed"]').waitFor({ timeout: 30_000 });
    // No budget cap was set: what was spent is counted all the same, and is what the launch estimated.
    const done = (await marketer.get<CampaignView>(`/api/campaigns/${campaignId}`)).body;
    expect(done.estimate?.total).to.be.above(0);
    expect(done.spent).to.be.closeTo(done.estimate?.total ?? 0, 1e-9);
    await page.getByTestId('campaign-budget-spent').getByText(String(Number(done.spent.toFixed(2)))).waitFor();
    await shot(page, 'campaigns-06-detail-desktop');
  });

  it('lists recipients by status and shows one recipient’s timeline in a drawer', async function () {
    const rows = page.locator('[data-testid="recipient-row"]');
    await suite.support.whatsapp.eventually(async () => (await rows.count()) === 25, 'a first page of 25 recipients');
    await page.getByTestId('recipients-next').click();
    await suite.support.whatsapp.eventually(async () => (await rows.count()) === CONTACTS - 25, 'the rest on the second page');
    await page.getByTestId('recipients-previous').click();
    await suite.support.whatsapp.eventually(async () => (await rows.count()) === 25, 'back on the first page');
    await choose(page, 'recipients-filter', 'Read');
    await page.locator('[data-testid="recipient-row"][data-status="read"]').first().waitFor();
    expect(await page.locator('[data-testid="recipient-row"]:not([data-status="read"])').count()).to.equal(0);
    await page.getByTestId('recipient-open').first().click();
    await page.locator('[data-testid="recipient-drawer"][data-loading="false"]').waitFor();
    await page.locator('[data-testid="timeline-entry"][data-status="read"]').waitFor();
    await shot(page, 'campaigns-07-recipient-drawer');
    await page.keyboard.press('Escape');
  });

  it('shows the finished campaign in the list, and the detail on a tablet', async function () {
    await page.getByTestId('nav-campaigns').click();
    const row = page.locator(`[data-testid="campaign-row"][data-campaign-id="${campaignId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('completed');
    expect(await row.getByTestId('campaign-read').getAttribute('data-count')).to.equal(String(CONTACTS));
    await shot(page, 'campaigns-08-list');

    const tablet = await page.context().newPage();
    await tablet.setViewportSize(TABLET);
    await tablet.goto(`${suite.base}/campaigns/${campaignId}`);
    await tablet.locator('[data-testid="campaign-progress"][data-percent="100"]').waitFor();
    await shot(tablet, 'campaigns-09-detail-tablet');
    const view = await marketer.get<CampaignView>(`/api/campaigns/${campaignId}`);
    expect(view.body.counters.read).to.equal(CONTACTS);
    await tablet.close();
  });
});

import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { CampaignView } from '@parley/common';
import type { ApiClient } from '../../engine/test/support/api-client.js';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import { browserSuite, fill, shot } from './browser-support.js';

type Fixtures = typeof import('../../engine/test/campaigns/campaign-fixtures.js');

const PEOPLE = 6;
const AFFORDABLE = 4;

/** The digits the page shows for an amount (to four decimals, as it does below one unit). */
const digits = (amount: number): string => String(Number(amount.toFixed(4)));

describe('Raising a campaign budget in the browser', function () {
  this.timeout(180_000);

  const suite = browserSuite();
  const marketerEmail = `mia.${Date.now().toString(36)}@budget-e2e.test`;
  const managerEmail = `max.${Date.now().toString(36)}@budget-e2e.test`;
  let fx: Fixtures;
  let tenant: TenantFixture;
  let marketer: ApiClient;
  let page: Page;
  let campaign: CampaignView;
  let rate = 0;

  /** A campaign the marketer launched for 4 messages whose list grew to 6 before it started: it pauses for its budget. */
  before(async function () {
    const { engine, support } = suite;
    fx = await import('../../engine/test/campaigns/campaign-fixtures.js');
    tenant = await support.fixtures.onboardTenant(engine, 'budget-e2e');
    const wa = await suite.connectWhatsApp(tenant);
    marketer = (await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer'])).client;
    await support.fixtures.addMember(engine, tenant, managerEmail, ['manager']);
    const template = await fx.approvedTemplate(wa, tenant);
    const card = await marketer.get<{ rates: { country: string; marketing: number }[] }>('/api/campaigns/rate-card');
    rate = card.body.rates.find((r) => r.country === 'IN')?.marketing ?? 0;
    const numbers = Array.from({ length: PEOPLE }, (_, i) => 7000 + i);
    const listId = await fx.contactList(engine, tenant, 'Trade fair', numbers.slice(0, 2));
    const scheduleAt = new Date(Date.now() + 4000).toISOString();
    const launched = await fx.launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, budgetCap: Number((rate * AFFORDABLE).toFixed(6)), scheduleAt, throughputCap: 80 }, marketer);
    await fx.seedCustomers(engine, tenant, numbers.slice(2).map((n) => fx.customer(n, { listIds: [listId] })));
    campaign = await fx.campaignIn(tenant, launched.id, ['paused']);
    expect(campaign.pause?.reason).to.equal('budget');
    page = await suite.newPage();
  });

  it('shows a manager, who may read campaigns but not change them, the budget without the control to raise it', async function () {
    const managerPage = await suite.newPage();
    await suite.signIn(managerPage, managerEmail);
    await managerPage.getByTestId('app-shell').waitFor();
    await managerPage.goto(`${suite.base}/campaigns/${campaign.id}`);
    await managerPage.getByTestId('campaign-budget-spent').getByText(digits(rate * AFFORDABLE)).waitFor();
    expect(await managerPage.getByTestId('campaign-budget-raise').count()).to.equal(0);
    await managerPage.context().close();
  });

  it('shows the budget used up and what was spent on the paused campaign', async function () {
    await suite.signIn(page, marketerEmail);
    await page.getByTestId('app-shell').waitFor();
    await page.goto(`${suite.base}/campaigns/${campaign.id}`);
    await page.locator('[data-testid="campaign-pause-reason"][data-reason="budget"]').waitFor();
    const spent = await page.getByTestId('campaign-budget-spent').textContent();
    expect(spent).to.contain(digits(rate * AFFORDABLE));
    expect(await page.getByTestId('campaign-budget-cap').textContent()).to.contain(digits(rate * AFFORDABLE));
    await shot(page, 'budget-01-paused');
  });

  it('refuses a budget that is not above what was spent, in words, and takes a higher one', async function () {
    await page.getByTestId('campaign-budget-raise').click();
    await page.getByTestId('budget-dialog').waitFor();
    await fill(page, 'budget-input', digits(rate * 2));
    await page.getByTestId('budget-submit').click();
    await page.getByText('The new budget must be above').waitFor();
    await shot(page, 'budget-02-too-low');

    const raisedCap = Number((rate * 10).toFixed(4));
    await fill(page, 'budget-input', String(raisedCap));
    await page.getByTestId('budget-submit').click();
    await page.getByTestId('budget-dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('campaign-budget-raised').getByText('resume it to send to the 2 people still waiting').waitFor();
    expect(await page.getByTestId('campaign-budget-cap').textContent()).to.contain(digits(raisedCap));
    await shot(page, 'budget-03-raised');
  });

  it('resumes from the notice, and the campaign sends to everyone under the new cap', async function () {
    // A person takes longer than the scheduler needs to save its paused run; so does the test.
    const jobs = suite.engine.engine.db.platform.db?.collection('agenda_jobs');
    await suite.support.whatsapp.eventually(async () => (await jobs?.findOne({ 'data.campaignId': campaign.id }))?.lockedAt === null, 'the paused run to be saved');
    await page.getByTestId('campaign-budget-resume').click();
    await page.getByTestId('campaign-budget-raised').waitFor({ state: 'hidden' });
    const done = await suite.support.whatsapp.eventually(async () => {
      const view = (await marketer.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body;
      return view.counters.sent === PEOPLE ? view : undefined;
    }, 'every message to be sent', 60_000);
    expect(done.spent).to.be.closeTo(rate * PEOPLE, 1e-9);
    await page.getByTestId('campaign-budget-spent').getByText(digits(rate * PEOPLE)).waitFor();
    await shot(page, 'budget-04-resumed');
  });
});

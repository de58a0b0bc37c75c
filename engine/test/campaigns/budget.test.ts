import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { CampaignView, TemplateView } from '@parley/common';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import type { WhatsAppFixture } from '../support/whatsapp.js';
import { campaignIn, campaignTenant, closeCampaignEngine, contactList, customer, launched, seedCustomers } from './campaign-fixtures.js';

type ErrorBody = { error: { code: string; message: string; details?: { fields: { field: string; message: string }[] } } };

/** What a campaign paused by its budget shows and takes: what it spent, and a raise above that. */
describe('Campaign budget raises', function () {
  this.timeout(120_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let template: TemplateView;
  let marketer: ApiClient;

  before(async () => {
    t = await startTestEngine({ JOBS_POLL_MS: '100', CAMPAIGN_REARM_SECONDS: '600', CAMPAIGN_SETTLE_SECONDS: '1' });
    ({ tenant, wa, template, marketer } = await campaignTenant(t, 'cmp-budget'));
  });
  after(() => closeCampaignEngine(t, wa));

  it('shows what the budget spent, refuses a cap below it in words, and takes a raise', async () => {
    const card = await marketer.get<{ currency: string; rates: { country: string; marketing: number }[] }>('/api/campaigns/rate-card');
    const rate = card.body.rates.find((r) => r.country === 'IN')?.marketing ?? 0;
    const numbers = Array.from({ length: 6 }, (_, i) => 5000 + i);
    const listId = await contactList(t, tenant, 'Budget', numbers.slice(0, 2));
    const scheduleAt = new Date(Date.now() + 4000).toISOString();
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, budgetCap: Number((rate * 4).toFixed(6)), scheduleAt }, marketer);
    expect(campaign.spent).to.equal(0);
    // The list grows past the budget between scheduling and sending.
    await seedCustomers(t, tenant, numbers.slice(2).map((n) => customer(n, { listIds: [listId] })));

    const paused = await campaignIn(tenant, campaign.id, ['paused']);
    expect(paused.pause?.reason).to.equal('budget');
    expect(paused.spent).to.be.closeTo(rate * 4, 1e-9);
    const listed = (await marketer.get<CampaignView[]>('/api/campaigns')).body.find((c) => c.id === campaign.id);
    expect(listed?.spent).to.equal(paused.spent);

    const below = await marketer.patch<ErrorBody>(`/api/campaigns/${campaign.id}`, { budgetCap: Number((rate * 3).toFixed(6)) });
    expect(below.status).to.equal(400);
    expect(below.body.error.details?.fields).to.deep.equal([{ field: 'body.budgetCap', message: `is below the ${paused.spent} ${card.body.currency} this campaign has already spent` }]);
    expect((await marketer.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body.budgetCap).to.equal(campaign.budgetCap);

    const care = (await addMember(t, tenant, 'care@cmp-budget.test', ['care_agent'])).client;
    expect((await care.patch(`/api/campaigns/${campaign.id}`, { budgetCap: rate * 10 })).status).to.equal(403);

    const raised = await marketer.patch<CampaignView>(`/api/campaigns/${campaign.id}`, { budgetCap: Number((rate * 6).toFixed(6)) });
    expect(raised.status).to.equal(200);
    expect(raised.body).to.deep.include({ status: 'paused', budgetCap: Number((rate * 6).toFixed(6)), spent: paused.spent });
  });

  it('counts the spend of a campaign without a cap, and keeps it once finished for when Redis has let it go', async () => {
    const card = await marketer.get<{ rates: { country: string; marketing: number }[] }>('/api/campaigns/rate-card');
    const rate = card.body.rates.find((r) => r.country === 'IN')?.marketing ?? 0;
    const listId = await contactList(t, tenant, 'Uncapped', [5100, 5101, 5102]);
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, budgetCap: null }, marketer);
    const completed = await campaignIn(tenant, campaign.id, ['completed']);
    expect(completed.budgetCap).to.equal(null);
    expect(completed.spent).to.be.closeTo(rate * 3, 1e-9);
    const stored = await t.engine.services.campaigns.models.campaigns(tenant.id).findById(campaign.id).lean();
    expect(stored?.spent).to.be.closeTo(rate * 3, 1e-9);

    // Redis's reservations expire (90 days); the campaign document still says what it spent.
    const redis = new Redis(t.engine.config.redisUrl);
    try {
      const keys = await redis.keys(`${t.engine.config.dbPrefix}:cmpspend:*${campaign.id}`);
      expect(keys).to.have.length(2);
      expect(await redis.ttl(keys.find((key) => key.includes(':who:')) ?? ''), 'the set of who was paid for goes after a day').to.be.within(1, 86_400);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    expect((await marketer.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body.spent).to.be.closeTo(rate * 3, 1e-9);
  });
});

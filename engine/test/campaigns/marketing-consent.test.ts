import { expect } from 'chai';
import type { AuditEntryView, CampaignView, ErrorBody, TemplateView } from '@parley/common';
import { customerIdOf } from '../../src/domains/customers/index.js';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import type { TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { conversationOf, eventually, type WhatsAppFixture } from '../support/whatsapp.js';
import { campaignBody, campaignTenant, closeCampaignEngine, customer, phoneOf, seedCustomers, TEMPLATE_NAME, waIdOf } from './campaign-fixtures.js';

/** Marketing reaches only customers who agreed to it, from the inbox and from a campaign's test send alike. */
describe('Marketing consent outside campaigns', function () {
  this.timeout(60_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let template: TemplateView;
  let marketer: ApiClient;
  let campaign: CampaignView;

  before(async () => {
    t = await startTestEngine({ CAMPAIGN_TEST_SENDS_PER_HOUR_PER_USER: '2' });
    ({ tenant, wa, template, marketer } = await campaignTenant(t, 'consent'));
    const seed = (n: number, consent: 'granted' | 'revoked') => ({ ...customer(n, { marketingConsent: consent }), _id: customerIdOf(tenant.id, `wa:${waIdOf(n)}`) });
    await seedCustomers(t, tenant, [seed(1, 'granted'), seed(2, 'revoked')]);
    campaign = (await marketer.post<CampaignView>('/api/campaigns', campaignBody(template.id))).body;
  });
  after(() => closeCampaignEngine(t, wa));

  const templateSends = (waId: string) => wa.sends(waId).filter((send) => send.templateName === TEMPLATE_NAME);

  it('refuses a marketing template from the inbox to a customer who opted out, with NO_MARKETING_CONSENT', async () => {
    const waId = '447700900321';
    await wa.inject({ from: waId, name: 'Opted out', type: 'text', text: { body: 'where is my order?' } });
    const conversation = await eventually(() => conversationOf(tenant, waId), 'the conversation');
    await t.engine.services.customers.customers(tenant.id).updateOne({ identityKey: `wa:${waId}` }, { $set: { marketingConsent: 'revoked' } });

    const answer = await tenant.admin.post<ErrorBody>(`/api/conversations/${conversation.id}/templates`, { name: TEMPLATE_NAME, language: 'en', parameters: ['Ana'] });

    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('NO_MARKETING_CONSENT');
    expect(templateSends(waId)).to.deep.equal([]);
  });

  it('refuses a test send to a number that is not a customer of the tenant', async () => {
    const answer = await marketer.post<ErrorBody>(`/api/campaigns/${campaign.id}/test-send`, { phone: '+447700900999' });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.details?.fields?.[0]?.field).to.equal('body.phone');
    expect(wa.sends('447700900999')).to.deep.equal([]);
  });

  it('refuses a marketing test send to a customer without consent', async () => {
    const answer = await marketer.post<ErrorBody>(`/api/campaigns/${campaign.id}/test-send`, { phone: phoneOf(2) });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('NO_MARKETING_CONSENT');
    expect(templateSends(waIdOf(2))).to.deep.equal([]);
  });

  it('sends a test to a consenting customer, audits it, and limits how many a person sends', async () => {
    for (let i = 0; i < 2; i++) expect((await marketer.post(`/api/campaigns/${campaign.id}/test-send`, { phone: phoneOf(1) })).status).to.equal(200);
    const limited = await marketer.post<ErrorBody>(`/api/campaigns/${campaign.id}/test-send`, { phone: phoneOf(1) });
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('RATE_LIMITED');
    expect(templateSends(waIdOf(1))).to.have.length(2);
    const audit = await tenant.admin.get<AuditEntryView[]>('/api/audit?action=campaign.test_sent');
    expect(audit.body.filter((entry) => entry.target?.id === campaign.id)).to.have.length(2);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { TemplateView } from '@parley/common';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { platformAdminClient, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { eventually, type WhatsAppFixture } from '../support/whatsapp.js';
import { campaignTenant, closeCampaignEngine, contactList, launched, TEMPLATE_NAME } from './campaign-fixtures.js';

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/** A suspended tenant stops sending: its campaigns pause and its bot keeps quiet, while what customers send is still kept. */
describe('Sending by a suspended tenant', function () {
  this.timeout(60_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let template: TemplateView;
  let platform: ApiClient;

  before(async () => {
    t = await startTestEngine({ JOBS_POLL_MS: '100', CAMPAIGN_REARM_SECONDS: '600', CAMPAIGN_BATCH_SIZE: '5' });
    ({ tenant, wa, template } = await campaignTenant(t, 'suspended'));
    platform = await platformAdminClient(t);
  });
  afterEach(async () => {
    await platform.post(`/api/admin/tenants/${tenant.id}/reactivate`);
  });
  after(() => closeCampaignEngine(t, wa));

  const campaignSends = () => wa.sends().filter((send) => send.templateName === TEMPLATE_NAME);

  it('sends no campaign message once a platform admin suspends the tenant, and pauses the campaign with that reason', async () => {
    const listId = await contactList(t, tenant, 'Suspension', range(1, 60));
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, throughputCap: 10 });
    await eventually(async () => campaignSends().length >= 5, 'the first sends');

    const suspended = await platform.post(`/api/admin/tenants/${tenant.id}/suspend`, { reason: 'Unpaid invoice' });
    expect(suspended.status).to.equal(200);
    const at = Date.now();
    const sentBefore = campaignSends().filter((send) => send.acceptedAt <= at).length;
    await sleep(2500);

    // A Graph call already on its way when the answer came may land a few milliseconds later; none starts after.
    expect(campaignSends().filter((send) => send.acceptedAt > at + 50)).to.deep.equal([]);
    expect(sentBefore).to.be.below(60);
    const stored = await eventually(async () => {
      const doc = await t.engine.db.tenant(tenant.id).collection('campaigns').findOne({ _id: new Types.ObjectId(campaign.id) });
      return doc?.status === 'paused' ? doc : undefined;
    }, 'the campaign to pause');
    expect(stored.pause?.reason).to.equal('suspended');
  });

  it("keeps a suspended tenant's inbound messages but sends no bot reply", async () => {
    expect((await platform.post(`/api/admin/tenants/${tenant.id}/suspend`, { reason: 'Unpaid invoice' })).status).to.equal(200);
    const waId = '447700900555';
    const { wamid } = await wa.inject({ from: waId, name: 'Quiet', type: 'text', text: { body: 'hello?' } });

    const kept = await eventually(() => t.engine.db.tenant(tenant.id).collection('messages').findOne({ wamid }), 'the inbound message to be stored');
    expect(kept.direction).to.equal('inbound');
    await sleep(1000);
    expect(wa.sends(waId)).to.deep.equal([]);
  });
});

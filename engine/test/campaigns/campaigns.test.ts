import { expect } from 'chai';
import type { CampaignView, RecipientView, TemplateView } from '@parley/common';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { eventually, type WhatsAppFixture } from '../support/whatsapp.js';
import { approvedTemplate, campaignIn, campaignTenant, closeCampaignEngine, contactList, customer, launched, phoneOf, sendsPerRecipient, simControl, waIdOf } from './campaign-fixtures.js';

type ErrorBody = { error: { code: string; details?: { fields: { field: string }[] } } };

describe('CampaignsService', function () {
  this.timeout(120_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let template: TemplateView;
  let marketer: ApiClient;

  before(async () => {
    t = await startTestEngine({ JOBS_POLL_MS: '100', CAMPAIGN_RETRY_DELAY_SECONDS: '0.2', CAMPAIGN_MAX_ATTEMPTS: '2', CAMPAIGN_REARM_SECONDS: '2', CAMPAIGN_SETTLE_SECONDS: '2' });
    ({ tenant, wa, template, marketer } = await campaignTenant(t, 'cmp-a'));
  });
  after(() => closeCampaignEngine(t, wa));

  const listOf = (name: string, numbers: number[], seed?: (n: number) => Parameters<typeof customer>[1]) => contactList(t, tenant, name, numbers, seed);

  async function recipientsOf(id: string): Promise<RecipientView[]> {
    return (await tenant.admin.get<{ items: RecipientView[] }>(`/api/campaigns/${id}/recipients?limit=200`)).body.items;
  }

  it('sends to every consenting member exactly once and records why the others were skipped', async () => {
    const numbers = Array.from({ length: 30 }, (_, i) => 1000 + i);
    const consent = (n: number) => (n < 1025 ? 'granted' : n < 1027 ? 'revoked' : n < 1029 ? 'unknown' : 'granted');
    const listId = await listOf('Everyone', numbers, (n) => ({ marketingConsent: consent(n), unreachable: n === 1029 }));
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null } });
    const done = await campaignIn(tenant, campaign.id, ['completed']);

    const sends = sendsPerRecipient(wa);
    const sentTo = numbers.filter((n) => sends.has(waIdOf(n)));
    expect(sentTo).to.deep.equal(numbers.slice(0, 25));
    expect([...sends.values()].every((count) => count === 1)).to.equal(true);
    expect(done.counters).to.include({ total: 30, skipped: 5, failed: 0, queued: 0, sent: 25 });
    const recipients = await recipientsOf(campaign.id);
    const reasons = Object.fromEntries(recipients.filter((r) => r.status === 'skipped').map((r) => [r.phone, r.reason]));
    expect(reasons).to.deep.equal({ [phoneOf(1025)]: 'opted_out', [phoneOf(1026)]: 'opted_out', [phoneOf(1027)]: 'no_consent', [phoneOf(1028)]: 'no_consent', [phoneOf(1029)]: 'unreachable' });
    const first = await marketer.get<RecipientView>(`/api/campaigns/${campaign.id}/recipients/${recipients[0]?.id ?? ''}`);
    expect(first.body.timeline.map((e) => e.status)).to.include.members(['queued', 'sent']);
    expect(wa.sends(waIdOf(1000))[0]?.request).to.deep.include({ biz_opaque_callback_data: `cmp:${recipients[0]?.id ?? ''}:0` });

    // The counters equal what WhatsApp's own records say, once the delivery webhooks are in.
    const delivered = () => wa.sends().filter((s) => s.templateName === template.name && s.statuses.some((x) => x.status === 'delivered')).length;
    await eventually(async () => {
      const view = (await tenant.admin.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body;
      return view.counters.delivered === delivered() && delivered() === 25 ? view : undefined;
    }, 'delivered counters to match the simulator', 30_000);

    await wa.inject({ from: waIdOf(1003), name: 'Customer 1003', type: 'text', text: 'Is it available in Recife?' });
    await simControl(wa, 'POST', '/user-preferences', { from: waIdOf(1004), value: 'stop' });
    const tracked = await eventually(async () => {
      const view = (await tenant.admin.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body;
      return view.counters.replied === 1 && view.counters.optedOut === 1 ? view : undefined;
    }, 'the reply and the opt-out to be attributed');
    expect(tracked.counters).to.include({ replied: 1, optedOut: 1 });

    const raw = await fetch(`${t.url}/api/campaigns/${campaign.id}/recipients.csv`, { headers: { cookie: tenant.admin.sessionCookie ?? '' } });
    expect(raw.headers.get('content-type')).to.contain('text/csv');
    expect((await raw.text()).split('\n')[0]).to.equal('phone,name,status,reason,error_code,wamid,sent_at,replied_at,opted_out_at');
  });

  it('skips a customer who opted out after the campaign was scheduled', async () => {
    const listId = await listOf('Late optout', [2000, 2001, 2002]);
    const scheduleAt = new Date(Date.now() + 2500).toISOString();
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, scheduleAt });
    expect(campaign.status).to.equal('scheduled');
    const customer2001 = await t.engine.services.customers.byIdentity(tenant.id, { waId: waIdOf(2001), userId: null });
    await t.engine.services.customers.setMarketingConsent(tenant.id, String(customer2001?._id), 'revoked', 'agent', { test: true });

    await campaignIn(tenant, campaign.id, ['completed']);
    const recipients = await recipientsOf(campaign.id);
    expect(recipients.find((r) => r.phone === phoneOf(2001))).to.include({ status: 'skipped', reason: 'opted_out' });
    expect(wa.sends(waIdOf(2001))).to.have.length(0);
    expect(wa.sends(waIdOf(2000))).to.have.length(1);
  });

  it('applies the policy of each error code: retry later, revoke consent, mark unreachable', async () => {
    await simControl(wa, 'POST', '/chaos', { recipients: { [waIdOf(3000)]: { fail: 131049 }, [waIdOf(3001)]: { fail: 131050 }, [waIdOf(3002)]: { fail: 131026 } } });
    const listId = await listOf('Errors', [3000, 3001, 3002, 3003]);
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null } });
    const done = await campaignIn(tenant, campaign.id, ['completed']);
    await simControl(wa, 'DELETE', '/chaos');

    const byPhone = new Map((await recipientsOf(campaign.id)).map((r) => [r.phone, r]));
    // 131049: held back for this user; tried again later under a new attempt, then given up.
    expect(byPhone.get(phoneOf(3000))).to.include({ status: 'failed', errorCode: 131049 });
    expect(wa.sends(waIdOf(3000))).to.have.length(2);
    expect(byPhone.get(phoneOf(3001))).to.include({ status: 'failed', errorCode: 131050 });
    expect(byPhone.get(phoneOf(3002))).to.include({ status: 'failed', errorCode: 131026 });
    expect(byPhone.get(phoneOf(3003))?.status).to.be.oneOf(['sent', 'delivered', 'read']);
    expect(done.counters).to.include({ failed: 3 });

    const stopped = await t.engine.services.customers.byIdentity(tenant.id, { waId: waIdOf(3001), userId: null });
    expect(stopped?.marketingConsent).to.equal('revoked');
    const ledger = stopped ? await t.engine.services.customers.consentHistory(tenant.id, stopped) : [];
    expect(ledger.at(-1)).to.include({ to: 'revoked', source: 'campaign_error' });
    const unreachable = await t.engine.services.customers.byIdentity(tenant.id, { waId: waIdOf(3002), userId: null });
    expect(unreachable?.unreachable).to.equal(true);
  });

  it('slows down when WhatsApp answers 130429 and still sends everyone once', async function () {
    this.timeout(300_000);
    await simControl(wa, 'POST', '/numbers', { phoneNumberId: wa.channel.phoneNumberId, throughput: 5 });
    const numbers = Array.from({ length: 25 }, (_, i) => 4000 + i);
    const listId = await listOf('Throttled', numbers);
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null } });
    await campaignIn(tenant, campaign.id, ['completed'], 240_000);
    await simControl(wa, 'POST', '/numbers', { phoneNumberId: wa.channel.phoneNumberId, throughput: 1000 });
    const sends = sendsPerRecipient(wa);
    expect(numbers.map((n) => sends.get(waIdOf(n)))).to.deep.equal(numbers.map(() => 1));
  });

  it('pauses itself when WhatsApp pauses its template, and a cancel skips who is left', async () => {
    const listId = await listOf('Slow', Array.from({ length: 40 }, (_, i) => 5000 + i));
    const campaign = await launched(tenant, template.id, { audience: { listIds: [listId], allConsenting: false, segmentId: null }, throughputCap: 2 });
    await eventually(async () => sendsPerRecipient(wa).has(waIdOf(5000)), 'the first send');
    await simControl(wa, 'POST', '/events/template-status', { name: template.name, language: template.language, event: 'PAUSED', other_info: { title: 'FIRST_PAUSE', description: 'low quality' } });
    const paused = await campaignIn(tenant, campaign.id, ['paused']);
    expect(paused.pause?.reason).to.equal('template');

    expect((await marketer.post(`/api/campaigns/${campaign.id}/pause`)).status).to.equal(409);
    const cancelled = await marketer.post<CampaignView>(`/api/campaigns/${campaign.id}/cancel`);
    expect(cancelled.body.status).to.equal('cancelled');
    // Once the batch under way has settled, nobody is left queued.
    await eventually(async () => (await tenant.admin.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body.counters.queued === 0, 'nobody left queued');
    const skipped = (await recipientsOf(campaign.id)).filter((r) => r.reason === 'cancelled');
    expect(skipped.length).to.be.greaterThan(0);
    await simControl(wa, 'POST', '/events/template-status', { name: template.name, language: template.language, event: 'APPROVED' });
    await tenant.admin.post('/api/templates/sync');
  });

  describe('bad input and permissions', () => {
    it('refuses a schedule in the past with 400 naming body.scheduleAt, and creates nothing', async () => {
      const before = (await marketer.get<CampaignView[]>('/api/campaigns')).body.length;
      const result = await marketer.post<ErrorBody>('/api/campaigns', { name: 'Late', templateId: template.id, audience: { allConsenting: true }, scheduleAt: new Date(Date.now() - 60_000).toISOString() });
      expect(result.status).to.equal(400);
      expect(result.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.scheduleAt']);
      expect((await marketer.get<CampaignView[]>('/api/campaigns')).body.length).to.equal(before);
    });

    it('refuses to launch with unmapped variables, a template not approved, or nobody consenting, and leaves the draft unchanged', async () => {
      const unmapped = await marketer.post<CampaignView>('/api/campaigns', { name: 'No vars', templateId: template.id, audience: { allConsenting: true } });
      const refused = await marketer.post<ErrorBody>(`/api/campaigns/${unmapped.body.id}/launch`);
      expect(refused.status).to.equal(400);
      expect(refused.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.variables']);
      expect((await marketer.get<CampaignView>(`/api/campaigns/${unmapped.body.id}`)).body).to.deep.equal(unmapped.body);

      const pending = await approvedTemplate(wa, tenant, 'pending_offer', 'PENDING');
      const draft = await marketer.post<CampaignView>('/api/campaigns', { name: 'Pending', templateId: pending.id, variables: [{ parameter: '1', source: { kind: 'name' } }], audience: { allConsenting: true } });
      const notApproved = await marketer.post<ErrorBody>(`/api/campaigns/${draft.body.id}/launch`);
      expect(notApproved.status).to.equal(400);
      expect(notApproved.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.templateId']);

      const nobody = await listOf('Nobody', [6000, 6001], () => ({ marketingConsent: 'unknown' }));
      const empty = await marketer.post<CampaignView>('/api/campaigns', { name: 'Empty', templateId: template.id, variables: [{ parameter: '1', source: { kind: 'name' } }], audience: { listIds: [nobody] } });
      const noConsent = await marketer.post<ErrorBody>(`/api/campaigns/${empty.body.id}/launch`);
      expect(noConsent.status).to.equal(400);
      expect(noConsent.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.audience']);
      expect((await marketer.get<CampaignView>(`/api/campaigns/${empty.body.id}`)).body.status).to.equal('draft');
    });

    it('answers 409 to actions the state does not allow and to edits of a launched campaign', async () => {
      const draft = await marketer.post<CampaignView>('/api/campaigns', { name: 'Conflicts', templateId: template.id, variables: [{ parameter: '1', source: { kind: 'name' } }], audience: { allConsenting: true }, scheduleAt: new Date(Date.now() + 3600_000).toISOString() });
      expect((await marketer.post<ErrorBody>(`/api/campaigns/${draft.body.id}/resume`)).body.error.code).to.equal('CONFLICT');
      expect((await marketer.post(`/api/campaigns/${draft.body.id}/launch`)).status).to.equal(200);
      expect((await marketer.patch(`/api/campaigns/${draft.body.id}`, { name: 'Renamed' })).status).to.equal(409);
      expect((await marketer.request('DELETE', `/api/campaigns/${draft.body.id}`)).status).to.equal(409);
      expect((await marketer.post(`/api/campaigns/${draft.body.id}/launch`)).status).to.equal(409);
      expect((await marketer.post(`/api/campaigns/${draft.body.id}/pause`)).status).to.equal(409);
      expect((await marketer.post<CampaignView>(`/api/campaigns/${draft.body.id}/cancel`)).body.status).to.equal('cancelled');
    });

    it('lets managers read but not change campaigns, and care agents do neither', async () => {
      const manager = (await addMember(t, tenant, 'manager@cmp-a.test', ['manager'])).client;
      const care = (await addMember(t, tenant, 'care@cmp-a.test', ['care_agent'])).client;
      expect((await manager.get('/api/campaigns')).status).to.equal(200);
      expect((await manager.post('/api/campaigns', { name: 'x', templateId: template.id, audience: { allConsenting: true } })).status).to.equal(403);
      expect((await care.get('/api/campaigns')).status).to.equal(403);
      expect((await care.get('/api/campaigns/rate-card')).status).to.equal(403);
      const any = (await marketer.get<CampaignView[]>('/api/campaigns')).body[0]?.id ?? '';
      expect((await manager.post(`/api/campaigns/${any}/pause`)).status).to.equal(403);
      expect((await manager.get(`/api/campaigns/${any}/recipients.csv`)).status).to.equal(403);
      expect((await care.get(`/api/campaigns/${any}/recipients`)).status).to.equal(403);
    });

    it('estimates the audience and its cost from the rate card', async () => {
      const card = await marketer.get<{ currency: string; rates: { country: string; marketing: number }[] }>('/api/campaigns/rate-card');
      const india = card.body.rates.find((r) => r.country === 'IN')?.marketing ?? 0;
      const listId = await listOf('Estimate', [7000, 7001, 7002], (n) => ({ marketingConsent: n === 7002 ? 'revoked' : 'granted' }));
      const result = await marketer.post<{ audience: { total: number; consenting: number }; estimate: { recipients: number; total: number } }>('/api/campaigns/estimate', { templateId: template.id, audience: { listIds: [listId] } });
      expect(result.body.audience).to.deep.equal({ total: 3, consenting: 2 });
      expect(result.body.estimate.recipients).to.equal(2);
      expect(result.body.estimate.total).to.be.closeTo(2 * india, 1e-9);
    });
  });
});

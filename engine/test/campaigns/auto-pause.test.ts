import { expect } from 'chai';
import type { CampaignView, ChannelView, NotificationView, PauseReason, RecipientView, TemplateView } from '@parley/common';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { eventually, PNID, type WhatsAppFixture } from '../support/whatsapp.js';
import { campaignIn, campaignTenant, closeCampaignEngine, contactList, customer, launched, phoneOf, seedCustomers, sendsPerRecipient, simControl, unleashNumber, waIdOf } from './campaign-fixtures.js';

type ErrorBody = { error: { code: string; details?: { fields: { field: string }[] } } };

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/**
 * Each auto-pause against the simulator: the campaign ends `paused` with its reason and words a
 * marketer understands, the send log holds nothing past the limit, the marketer is notified, and
 * resuming does what the reason calls for.
 */
describe('Campaign auto-pauses', function () {
  this.timeout(120_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let template: TemplateView;
  let marketer: ApiClient;
  let manager: ApiClient;

  before(async () => {
    t = await startTestEngine({
      JOBS_POLL_MS: '100',
      // Re-arming running campaigns is for crashes, which these tests do not make.
      CAMPAIGN_REARM_SECONDS: '600',
      CAMPAIGN_SETTLE_SECONDS: '1',
      CAMPAIGN_BATCH_SIZE: '20',
      CAMPAIGN_ERROR_WINDOW: '10',
      CAMPAIGN_ERROR_RATE: '0.5',
    });
    ({ tenant, wa, template, marketer } = await campaignTenant(t, 'cmp-pause'));
    manager = (await addMember(t, tenant, 'manager@cmp-pause.test', ['manager'])).client;
  });
  afterEach(async () => {
    await simControl(wa, 'DELETE', '/chaos');
    await unleashNumber(t, wa, tenant);
  });
  after(() => closeCampaignEngine(t, wa));

  const audienceOf = (listId: string) => ({ listIds: [listId], allConsenting: false, segmentId: null });

  async function viewOf(id: string): Promise<CampaignView> {
    return (await marketer.get<CampaignView>(`/api/campaigns/${id}`)).body;
  }

  /** The numbers the simulator accepted a send to, each of them exactly once. */
  function sentOnce(numbers: number[]): number[] {
    const sends = sendsPerRecipient(wa);
    const reached = numbers.filter((n) => sends.has(waIdOf(n)));
    expect(reached.map((n) => sends.get(waIdOf(n)))).to.deep.equal(reached.map(() => 1));
    return reached;
  }

  /** The marketer's `campaign.paused` notifications about this campaign, once there are `count`. */
  function pauseNotices(id: string, count: number): Promise<NotificationView[]> {
    return eventually(async () => {
      const list = await marketer.get<{ items: NotificationView[] }>('/api/notifications?limit=100');
      const notices = list.body.items.filter((n) => n.kind === 'campaign.paused' && n.link === `/campaigns/${id}`);
      return notices.length === count ? notices : undefined;
    }, `${count} pause notification(s) for the marketer`);
  }

  /** The phones of the recipients waiting in the queue, in order. */
  async function stillQueued(id: string): Promise<string[]> {
    const rows = (await marketer.get<{ items: RecipientView[] }>(`/api/campaigns/${id}/recipients?limit=200&status=queued`)).body.items;
    return rows.map((r) => r.phone).sort();
  }

  /** Paused for `reason`, having sent to exactly `sent` of the numbers, the rest queued, and the marketer told why. */
  async function pausedHavingSent(id: string, reason: PauseReason, words: string, numbers: number[], sent: number): Promise<CampaignView> {
    const paused = await campaignIn(tenant, id, ['paused']);
    expect(paused.pause?.reason).to.equal(reason);
    expect(paused.pause?.message).to.contain(words);
    expect(sentOnce(numbers)).to.have.length(sent);
    expect(paused.counters.total).to.equal(numbers.length);
    expect(await stillQueued(id)).to.deep.equal(numbers.filter((n) => !sendsPerRecipient(wa).has(waIdOf(n))).map(phoneOf));
    const [notice] = await pauseNotices(id, 1);
    expect(notice?.body).to.contain(paused.pause?.message);
    return paused;
  }

  /**
   * The scheduler saves a finished run (`nextRunAt` null) a moment after its pause is visible, and
   * that save overwrites an arm made in between: a person resumes later than that; so does a test.
   */
  async function resumed(id: string): Promise<void> {
    const jobs = t.engine.db.platform.db?.collection('agenda_jobs');
    await eventually(async () => (await jobs?.findOne({ 'data.campaignId': id }))?.lockedAt === null, 'the paused run to be saved');
    expect((await marketer.post<CampaignView>(`/api/campaigns/${id}/resume`)).status).to.equal(200);
  }

  /** Resumes the campaign and waits for the pause that follows it at once. */
  async function resumedAndPausedAgain(id: string, previous: CampaignView): Promise<CampaignView> {
    await resumed(id);
    return eventually(async () => {
      const view = await viewOf(id);
      return view.status === 'paused' && view.pause && view.pause.at > (previous.pause?.at ?? '') ? view : undefined;
    }, 'the campaign to pause again');
  }

  /**
   * Paused for `reason` while sending, the marketer told why; once the batch under way settled, it
   * sent at most the one message already on its way when the pause landed. Returns the sends.
   */
  async function pausedMidway(id: string, reason: PauseReason, words: RegExp, numbers: number[]): Promise<number> {
    const paused = await campaignIn(tenant, id, ['paused']);
    const whenPaused = sentOnce(numbers).length;
    expect(paused.pause?.reason).to.equal(reason);
    expect(paused.pause?.message).to.match(words);
    const settled = await settledSends(id, numbers);
    expect(settled).to.be.at.most(whenPaused + 1);
    expect(settled).to.be.below(numbers.length);
    const [notice] = await pauseNotices(id, 1);
    expect(notice?.body).to.contain(paused.pause?.message);
    return settled;
  }

  /** Once the batch under way has settled, sends the simulator accepted equal the recipients that left the queue. */
  function settledSends(id: string, numbers: number[]): Promise<number> {
    return eventually(async () => {
      const reached = sentOnce(numbers).length;
      const queued = await stillQueued(id);
      const unsent = numbers.filter((n) => !sendsPerRecipient(wa).has(waIdOf(n))).map(phoneOf);
      return queued.length === unsent.length && queued.every((phone, i) => phone === unsent[i]) ? reached : undefined;
    }, 'the batch under way to settle');
  }

  async function resumedToTheEnd(id: string, numbers: number[]): Promise<CampaignView> {
    await resumed(id);
    const done = await campaignIn(tenant, id, ['completed']).catch(async (error: unknown) => {
      const view = await viewOf(id);
      throw new Error(`${String(error)}; it is ${view.status} (${JSON.stringify(view.pause)}) with ${JSON.stringify(view.counters)}`);
    });
    expect(sentOnce(numbers)).to.deep.equal(numbers);
    expect(done.counters.queued).to.equal(0);
    return done;
  }

  it('sends exactly the messages its budget covers, pauses again when resumed under the same cap, and goes on once the cap is raised', async () => {
    const card = await marketer.get<{ currency: string; rates: { country: string; marketing: number }[] }>('/api/campaigns/rate-card');
    const rate = card.body.rates.find((r) => r.country === 'IN')?.marketing ?? 0;
    const budgetCap = Number((rate * 5).toFixed(6));
    const numbers = range(1000, 8);
    const listId = await contactList(t, tenant, 'Budget', numbers.slice(0, 3));
    const scheduleAt = new Date(Date.now() + 8000).toISOString();
    const campaign = await launched(tenant, template.id, { audience: audienceOf(listId), budgetCap, scheduleAt }, marketer);
    expect(campaign.status).to.equal('scheduled');
    // The list grows past the budget between scheduling (within budget) and sending.
    await seedCustomers(t, tenant, numbers.slice(3).map((n) => customer(n, { listIds: [listId] })));

    const paused = await pausedHavingSent(campaign.id, 'budget', `The budget of ${budgetCap} ${card.body.currency} is used up`, numbers, 5);

    const again = await resumedAndPausedAgain(campaign.id, paused);
    expect(again.pause?.reason).to.equal('budget');
    expect(sentOnce(numbers)).to.have.length(5);
    await pauseNotices(campaign.id, 2);

    const raisedCap = Number((rate * 8).toFixed(6));
    expect((await manager.patch(`/api/campaigns/${campaign.id}`, { budgetCap: raisedCap })).status).to.equal(403);
    const negative = await marketer.patch<ErrorBody>(`/api/campaigns/${campaign.id}`, { budgetCap: -1 });
    expect(negative.status).to.equal(400);
    expect(negative.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.budgetCap']);
    expect((await marketer.patch(`/api/campaigns/${campaign.id}`, { budgetCap: raisedCap, name: 'Renamed' })).status).to.equal(409);
    const raised = await marketer.patch<CampaignView>(`/api/campaigns/${campaign.id}`, { budgetCap: raisedCap });
    expect(raised.status).to.equal(200);
    expect(raised.body).to.include({ status: 'paused', budgetCap: raisedCap });
    await resumedToTheEnd(campaign.id, numbers);
    expect((await marketer.patch(`/api/campaigns/${campaign.id}`, { budgetCap: raisedCap * 2 })).status).to.equal(409);
  });

  it('reaches only as many people as the messaging tier allows, keeps the rest queued, and sends them once WhatsApp raises the tier', async () => {
    // A portfolio of its own, so that the simulator counts only this test's people against the tier.
    await simControl(wa, 'POST', '/numbers', { phoneNumberId: PNID, tier: 'TIER_50', businessId: '300000000000099' });
    await t.engine.services.channels.updateHealth(tenant.id, PNID, { messagingTier: 'TIER_50' });
    const numbers = range(2000, 53);
    const listId = await contactList(t, tenant, 'Tier', numbers);
    const campaign = await launched(tenant, template.id, { audience: audienceOf(listId) }, marketer);

    const paused = await pausedHavingSent(campaign.id, 'tier', 'start conversations with 50 people a day', numbers, 50);

    // Within the same 24 hours nobody new can be reached: resuming pauses again, sending nothing.
    const again = await resumedAndPausedAgain(campaign.id, paused);
    expect(again.pause?.reason).to.equal('tier');
    expect(sentOnce(numbers)).to.have.length(50);

    await simControl(wa, 'POST', '/events/phone-quality', { event: 'UPGRADE', tier: 'TIER_250' });
    await eventually(async () => {
      const channels = await tenant.admin.get<ChannelView[]>('/api/channels');
      return channels.body.find((c) => c.phoneNumberId === PNID)?.messagingTier === 'TIER_250';
    }, 'the raised tier to reach the channel');
    await resumedToTheEnd(campaign.id, numbers);
  });

  it('pauses when WhatsApp flags the number, sends nothing more, and finishes when resumed', async () => {
    const numbers = range(3000, 20);
    const listId = await contactList(t, tenant, 'Quality', numbers);
    const campaign = await launched(tenant, template.id, { audience: audienceOf(listId), throughputCap: 4 }, marketer);
    await eventually(async () => sentOnce(numbers).length > 0, 'the first send');

    await simControl(wa, 'POST', '/events/phone-quality', { event: 'FLAGGED' });
    await pausedMidway(campaign.id, 'quality', /^WhatsApp flagged the number for low quality\./, numbers);
    await resumedToTheEnd(campaign.id, numbers);
  });

  it('pauses with error_rate once most of the last messages failed, and resumes with a fresh window', async () => {
    // Numbers not on WhatsApp: accepted, then a `failed` status (131026) for each.
    await simControl(wa, 'POST', '/chaos', { failureRate: 1, failureCodes: [131026] });
    const numbers = range(4000, 40);
    const listId = await contactList(t, tenant, 'Failing', numbers);
    const campaign = await launched(tenant, template.id, { audience: audienceOf(listId), throughputCap: 5 }, marketer);

    const settled = await pausedMidway(campaign.id, 'error_rate', /^10 of the last 10 messages failed, more than the 50% allowed\./, numbers);
    expect((await viewOf(campaign.id)).counters.failed).to.be.at.least(10);

    await simControl(wa, 'DELETE', '/chaos');
    const done = await resumedToTheEnd(campaign.id, numbers);
    expect(done.counters.failed).to.be.at.least(10);
    expect(done.counters.failed + done.counters.sent).to.equal(numbers.length);
    expect(done.counters.sent).to.be.at.least(numbers.length - settled);
  });
});

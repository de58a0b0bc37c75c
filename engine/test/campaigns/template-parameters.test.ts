import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import type { CampaignContext, CampaignView, MediaView, RecipientView, TemplateView, VariableMapping } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { connectWhatsApp, eventually, PNID, type WhatsAppFixture } from '../support/whatsapp.js';
import { customerIdOf } from '../../src/domains/customers/index.js';
import { campaignIn, customer, phoneOf, seedCustomers, simControl, unleashNumber, waIdOf } from './campaign-fixtures.js';
import { PDF, PNG, uploadMedia } from '../media/media-files.js';
import { DEMO_NUMBER } from '../../../scripts/whatsapp-simulator/index.js';

type ErrorBody = { error: { code: string; message: string; details?: { fields: { field: string; message: string }[] } } };

/** Header text, body, a URL button with a suffix, a copy-code button and a quick reply. */
const PLAN_COMPONENTS = [
  { type: 'HEADER', format: 'TEXT', text: 'News for {{1}}', example: { header_text: ['Recife'] } },
  { type: 'BODY', text: 'Hi {{1}}, fibre 500 reached your street for {{2}} a month.', example: { body_text: [['Ana', 'R$ 99']] } },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'URL', text: 'See the plan', url: 'https://parley.test/plan/{{1}}', example: ['https://parley.test/plan/basic'] },
      { type: 'COPY_CODE', example: 'SAVE10' },
      { type: 'QUICK_REPLY', text: 'Stop promotions' },
    ],
  },
];

const PLAN_VARIABLES: VariableMapping[] = [
  { parameter: '1', source: { kind: 'first_name' }, fallback: 'there' },
  { parameter: '2', source: { kind: 'text', value: 'R$ 99' }, fallback: '' },
  { parameter: 'header:1', source: { kind: 'attribute', key: 'city' }, fallback: '' },
  { parameter: 'button:0', source: { kind: 'attribute', key: 'plan_code' }, fallback: 'basic' },
  { parameter: 'button:1', source: { kind: 'text', value: 'FIBRE500' }, fallback: '' },
];

/** A named template with an image header: the link is given on the campaign. */
const PHOTO_COMPONENTS = [
  { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://parley.test/sample.jpg'] } },
  { type: 'BODY', text: 'Hello {{first_name}}, our spring plans are here.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } },
];

/** A document header: the file is uploaded to Parley for the campaign. */
const PRICE_LIST_COMPONENTS = [
  { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['https://parley.test/sample.pdf'] } },
  { type: 'BODY', text: 'Hi {{1}}, here are the new prices.', example: { body_text: [['Ana']] } },
];

describe('Campaign template parameters', function () {
  this.timeout(120_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let marketer: ApiClient;
  let plan: TemplateView;
  let photo: TemplateView;

  async function synced(name: string, components: unknown[], parameterFormat: 'POSITIONAL' | 'NAMED' = 'POSITIONAL'): Promise<TemplateView> {
    await simControl(wa, 'POST', '/templates', { wabaId: wa.channel.wabaId, name, language: 'en', category: 'MARKETING', parameter_format: parameterFormat, components });
    const found = (await tenant.admin.post<TemplateView[]>('/api/templates/sync')).body.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`template ${name} was not synced`);
    return found;
  }

  async function listOf(name: string, members: { n: number; attributes?: Record<string, string> }[]): Promise<string> {
    const now = new Date();
    const list = await t.engine.services.contacts.lists(tenant.id).create({ name, nameKey: name.toLowerCase(), createdBy: 'test', createdAt: now, updatedAt: now });
    const listId = String(list._id);
    await seedCustomers(t, tenant, members.map(({ n, attributes }) => customer(n, { listIds: [listId], attributes: attributes ?? {} })));
    return listId;
  }

  async function draft(body: Record<string, unknown>): Promise<CampaignView> {
    const created = await marketer.post<CampaignView>('/api/campaigns', { name: 'Parameters', audience: { allConsenting: true }, throughputCap: 80, ...body });
    if (created.status !== 201) throw new Error(`creating the campaign failed: ${JSON.stringify(created.body)}`);
    return created.body;
  }

  async function recipientsOf(id: string): Promise<RecipientView[]> {
    return (await marketer.get<{ items: RecipientView[] }>(`/api/campaigns/${id}/recipients?limit=200`)).body.items;
  }

  const componentsSentTo = (n: number): unknown => {
    const request = wa.sends(waIdOf(n))[0]?.request;
    return typeof request === 'object' && request !== null && 'template' in request ? (request.template as { components: unknown }).components : undefined;
  };

  before(async () => {
    t = await startTestEngine({ JOBS_POLL_MS: '100', CAMPAIGN_REARM_SECONDS: '2', CAMPAIGN_SETTLE_SECONDS: '2' });
    tenant = await onboardTenant(t, 'cmp-params');
    wa = await connectWhatsApp(t, tenant);
    await simControl(wa, 'POST', '/settings', { readProbability: 0 });
    await unleashNumber(t, wa, tenant);
    marketer = (await addMember(t, tenant, 'marketing@cmp-params.test', ['marketer'])).client;
    plan = await synced('plan_news', PLAN_COMPONENTS);
    photo = await synced('spring_photo', PHOTO_COMPONENTS, 'NAMED');
  });
  after(async () => {
    await wa.close();
    await t.engine.services.campaigns.stop();
    await dropTestData(t.engine);
    await t.close();
  });

  it('sends header, body, URL-button and copy-code values per recipient, which WhatsApp accepts and delivers', async () => {
    expect(plan.variables.map((variable) => variable.key)).to.deep.equal(['1', '2', 'header:1', 'button:0', 'button:1']);
    const listId = await listOf('Plan news', [
      { n: 8100, attributes: { city: 'Recife', plan_code: 'p100' } },
      // A line break inside a value is refused by WhatsApp (132018): it is sent as one line.
      { n: 8101, attributes: { city: 'Natal \n Norte' } },
      { n: 8102, attributes: { plan_code: 'p300' } },
    ]);
    const campaign = await draft({ templateId: plan.id, variables: PLAN_VARIABLES, audience: { listIds: [listId], allConsenting: false, segmentId: null } });
    expect((await marketer.post(`/api/campaigns/${campaign.id}/launch`)).status).to.equal(200);
    await campaignIn(tenant, campaign.id, ['completed']);

    expect(componentsSentTo(8100)).to.deep.equal([
      { type: 'header', parameters: [{ type: 'text', text: 'Recife' }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Customer' }, { type: 'text', text: 'R$ 99' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'p100' }] },
      { type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'FIBRE500' }] },
    ]);
    expect(componentsSentTo(8101)).to.deep.include({ type: 'header', parameters: [{ type: 'text', text: 'Natal Norte' }] });
    expect(componentsSentTo(8101)).to.deep.include({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'basic' }] });
    expect(wa.sends(waIdOf(8102))).to.have.length(0);

    const byPhone = await eventually(async () => {
      const recipients = new Map((await recipientsOf(campaign.id)).map((r) => [r.phone, r]));
      return recipients.get(phoneOf(8100))?.status === 'delivered' && recipients.get(phoneOf(8101))?.status === 'delivered' ? recipients : undefined;
    }, 'both recipients to be delivered');
    expect(byPhone.get(phoneOf(8100))?.wamid).to.equal(wa.sends(waIdOf(8100))[0]?.id);
    expect(wa.sends(waIdOf(8100))[0]?.bizOpaqueCallbackData).to.equal(`cmp:${byPhone.get(phoneOf(8100))?.id ?? ''}:0`);
    // No city and no fallback: nothing to put in the header, so the person is skipped, not sent a broken message.
    expect(byPhone.get(phoneOf(8102))).to.include({ status: 'skipped', reason: 'missing_value' });
  });

  it('sends a media header with the link given on the campaign, and named body parameters', async () => {
    const listId = await listOf('Spring photo', [{ n: 8200 }]);
    const link = 'https://cdn.parley.test/spring.jpg';
    const variables: VariableMapping[] = [
      { parameter: 'first_name', source: { kind: 'first_name' }, fallback: 'there' },
      { parameter: 'header:media', source: { kind: 'text', value: link }, fallback: '' },
    ];
    const campaign = await draft({ templateId: photo.id, variables, audience: { listIds: [listId], allConsenting: false, segmentId: null } });
    expect((await marketer.post(`/api/campaigns/${campaign.id}/launch`)).status).to.equal(200);
    await campaignIn(tenant, campaign.id, ['completed']);
    expect(componentsSentTo(8200)).to.deep.equal([
      { type: 'header', parameters: [{ type: 'image', image: { link } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Customer', parameter_name: 'first_name' }] },
    ]);
    await eventually(async () => (await recipientsOf(campaign.id))[0]?.status === 'delivered', 'the photo campaign to be delivered');
  });

  describe('a media header uploaded as a file', () => {
    type MediaRecord = { _id: ObjectId; graphMediaId: string; uploadedAt: Date };
    const recordOf = async (id: string) => t.engine.db.tenant(tenant.id).collection<MediaRecord>('media').findOne({ _id: new ObjectId(id) });
    const upload = async (bytes: Buffer, fileName: string, type: string, purpose = 'campaign_header'): Promise<MediaView> => {
      const uploaded = await uploadMedia(marketer, bytes, { purpose, fileName, type });
      if (uploaded.status !== 201) throw new Error(`upload failed: ${JSON.stringify(uploaded.body)}`);
      return uploaded.body as MediaView;
    };
    const fileVariables = (mediaId: string): VariableMapping[] => [
      { parameter: 'first_name', source: { kind: 'first_name' }, fallback: 'there' },
      { parameter: 'header:media', source: { kind: 'media', mediaId }, fallback: '' },
    ];
    const launched = async (templateId: string, variables: VariableMapping[], n: number): Promise<CampaignView> => {
      const listId = await listOf(`File ${n}`, [{ n }]);
      const campaign = await draft({ templateId, variables, audience: { listIds: [listId], allConsenting: false, segmentId: null } });
      const launch = await marketer.post(`/api/campaigns/${campaign.id}/launch`);
      expect(launch.status, JSON.stringify(launch.body)).to.equal(200);
      await campaignIn(tenant, campaign.id, ['completed']);
      return campaign;
    };

    it('sends the picture by its WhatsApp media id, which WhatsApp accepts and delivers', async () => {
      const picture = await upload(PNG, 'spring.png', 'image/png');
      const campaign = await launched(photo.id, fileVariables(picture.id), 8300);
      const graphMediaId = (await recordOf(picture.id))?.graphMediaId;
      expect(wa.sim.state.media.get(graphMediaId ?? '')?.bytes.equals(PNG)).to.equal(true);
      expect(componentsSentTo(8300)).to.deep.equal([
        { type: 'header', parameters: [{ type: 'image', image: { id: graphMediaId } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Customer', parameter_name: 'first_name' }] },
      ]);
      await eventually(async () => (await recipientsOf(campaign.id))[0]?.status === 'delivered', 'the uploaded picture to be delivered');
    });

    it('sends a document with its file name', async () => {
      const priceList = await synced('price_list', PRICE_LIST_COMPONENTS);
      const pdf = await upload(PDF, 'Prices March.pdf', 'application/pdf');
      const variables: VariableMapping[] = [{ parameter: '1', source: { kind: 'first_name' }, fallback: 'there' }, fileVariables(pdf.id)[1] as VariableMapping];
      await launched(priceList.id, variables, 8301);
      const graphMediaId = (await recordOf(pdf.id))?.graphMediaId;
      expect(componentsSentTo(8301)).to.deep.include({ type: 'header', parameters: [{ type: 'document', document: { id: graphMediaId, filename: 'Prices March.pdf' } }] });
    });

    it('uploads a file older than 29 days again before sending it, and keeps the new media id', async () => {
      const picture = await upload(PNG, 'old.png', 'image/png');
      const old = await recordOf(picture.id);
      const longAgo = new Date(Date.now() - 30 * 24 * 3600_000);
      await t.engine.db.tenant(tenant.id).collection<MediaRecord>('media').updateOne({ _id: new ObjectId(picture.id) }, { $set: { uploadedAt: longAgo } });
      await launched(photo.id, fileVariables(picture.id), 8302);
      const renewed = await recordOf(picture.id);
      expect(renewed?.graphMediaId).to.be.a('string').and.not.equal(old?.graphMediaId);
      expect(renewed?.uploadedAt.getTime()).to.be.greaterThan(Date.now() - 60_000);
      expect(componentsSentTo(8302)).to.deep.include({ type: 'header', parameters: [{ type: 'image', image: { id: renewed?.graphMediaId } }] });
    });

    it('answers a test send whose file WhatsApp refuses to take again with 502 and its words, and keeps the file', async () => {
      const picture = await upload(PNG, 'refused.png', 'image/png');
      const old = await recordOf(picture.id);
      await t.engine.db.tenant(tenant.id).collection<MediaRecord>('media').updateOne({ _id: new ObjectId(picture.id) }, { $set: { uploadedAt: new Date(Date.now() - 30 * 24 * 3600_000) } });
      const campaign = await draft({ templateId: photo.id, variables: fileVariables(picture.id) });
      // WhatsApp no longer takes the number's token: the upload is refused with 190.
      await simControl(wa, 'POST', '/numbers', { phoneNumberId: PNID, accessToken: 'revoked-token' });
      try {
        // A test goes only to a consenting customer of the tenant.
        await t.engine.services.customers.customers(tenant.id).insertMany([{ ...customer(8303), _id: customerIdOf(tenant.id, `wa:${waIdOf(8303)}`) }]);
        const refused = await marketer.post<ErrorBody>(`/api/campaigns/${campaign.id}/test-send`, { phone: phoneOf(8303) });
        expect(refused.status).to.equal(502);
        expect(refused.body.error.code).to.equal('BAD_GATEWAY');
        expect(refused.body.error.message).to.match(/^WhatsApp refused the file: .+\. The file stays in Parley as it was\./);
      } finally {
        await simControl(wa, 'POST', '/numbers', { phoneNumberId: PNID, accessToken: DEMO_NUMBER.accessToken });
      }
      expect((await recordOf(picture.id))?.graphMediaId).to.equal(old?.graphMediaId);
    });

    it('refuses to launch with a template sample, a file of another kind or a file this workspace does not have', async () => {
      const sample = await upload(PNG, 'sample.png', 'image/png', 'template_example');
      const pdf = await upload(PDF, 'prices.pdf', 'application/pdf');
      const cases: [string, string][] = [
        [sample.id, 'the header image file was uploaded as a template sample: upload it for the campaign'],
        [pdf.id, 'the header image must be image/jpeg or image/png; prices.pdf is application/pdf'],
        ['0123456789abcdef01234567', "the header image file is not among this workspace's uploads: upload it again"],
      ];
      for (const [mediaId, message] of cases) {
        const campaign = await draft({ templateId: photo.id, variables: fileVariables(mediaId) });
        const refused = await marketer.post<ErrorBody>(`/api/campaigns/${campaign.id}/launch`);
        expect(refused.status).to.equal(400);
        expect(refused.body.error.details?.fields).to.deep.equal([{ field: 'body.variables', message }]);
        expect((await marketer.get<CampaignView>(`/api/campaigns/${campaign.id}`)).body.status).to.equal('draft');
      }
    });
  });

  it('refuses to launch with a header or button variable unmapped, or a media header without a link, naming body.variables', async () => {
    const bodyOnly = await draft({ templateId: plan.id, variables: PLAN_VARIABLES.slice(0, 2) });
    const refused = await marketer.post<ErrorBody>(`/api/campaigns/${bodyOnly.id}/launch`);
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.variables']);
    expect(refused.body.error.details?.fields[0]?.message).to.contain('Header {{1}}').and.contain('End of the "See the plan" link').and.contain('Code to copy');
    expect((await marketer.get<CampaignView>(`/api/campaigns/${bodyOnly.id}`)).body).to.deep.equal(bodyOnly);

    const noLink = await draft({
      templateId: photo.id,
      variables: [
        { parameter: 'first_name', source: { kind: 'first_name' }, fallback: 'there' },
        { parameter: 'header:media', source: { kind: 'first_name' }, fallback: '' },
      ],
    });
    const linkless = await marketer.post<ErrorBody>(`/api/campaigns/${noLink.id}/launch`);
    expect(linkless.status).to.equal(400);
    expect(linkless.body.error.details?.fields).to.have.length(1);
    expect(linkless.body.error.details?.fields[0]).to.include({ field: 'body.variables' });
    expect(linkless.body.error.details?.fields[0]?.message).to.equal('the header image needs a file: upload one, or give a link to it (fixed text, or a contact attribute holding one)');
    expect((await marketer.get<CampaignView>(`/api/campaigns/${noLink.id}`)).body.status).to.equal('draft');
  });

  describe('GET /api/campaigns/context', () => {
    afterEach(async () => {
      await t.engine.services.channels.updateHealth(tenant.id, PNID, { throughput: 1000 });
    });

    it("tells whoever creates campaigns the tenant's time zone and the number's throughput, and holds caps to it", async () => {
      const settings = await tenant.admin.get<Record<string, unknown>>('/api/bot/settings');
      expect((await tenant.admin.request('PUT', '/api/bot/settings', { ...settings.body, timezone: 'America/Sao_Paulo' })).status).to.equal(200);
      await t.engine.services.channels.updateHealth(tenant.id, PNID, { throughput: 80 });

      const context = await marketer.get<CampaignContext>('/api/campaigns/context');
      expect(context.status).to.equal(200);
      expect(context.body).to.deep.equal({ timeZone: 'America/Sao_Paulo', throughput: 80, phoneNumber: wa.channel.displayPhoneNumber });
      expect((await marketer.get('/api/bot/settings')).status).to.equal(403);

      // Campaigns are scheduled in the tenant's zone, whoever creates them.
      const created = await draft({ templateId: plan.id, variables: PLAN_VARIABLES });
      expect(created.timeZone).to.equal('America/Sao_Paulo');

      const tooFast = await marketer.post<ErrorBody>('/api/campaigns', { name: 'Too fast', templateId: plan.id, audience: { allConsenting: true }, throughputCap: 200 });
      expect(tooFast.status).to.equal(400);
      expect(tooFast.body.error.details?.fields.map((f) => f.field)).to.deep.equal(['body.throughputCap']);
      expect(tooFast.body.error.details?.fields[0]?.message).to.contain('80');
      expect((await marketer.patch<ErrorBody>(`/api/campaigns/${created.id}`, { throughputCap: 81 })).status).to.equal(400);
      expect((await marketer.get<CampaignView>(`/api/campaigns/${created.id}`)).body.throughputCap).to.equal(80);
    });

    it('is refused to care agents and to managers, who do not create campaigns', async () => {
      const care = (await addMember(t, tenant, 'care@cmp-params.test', ['care_agent'])).client;
      const manager = (await addMember(t, tenant, 'manager@cmp-params.test', ['manager'])).client;
      expect((await care.get<ErrorBody>('/api/campaigns/context')).status).to.equal(403);
      expect((await manager.get<ErrorBody>('/api/campaigns/context')).status).to.equal(403);
    });
  });
});

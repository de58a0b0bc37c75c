import { expect } from 'chai';
import { MEDIA_HEADER_KEY, type MediaView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';
import { connectWhatsApp, PNID, type WhatsAppFixture } from '../support/whatsapp.js';
import { JPEG, PDF, PNG, uploadMedia, type UploadResult } from './media-files.js';
import { chunkId } from '../../src/domains/media/media.model.js';

const MB = 1024 * 1024;

describe('Media uploads (POST /api/media)', function () {
  this.timeout(60_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let other: TenantFixture;
  let wa: WhatsAppFixture;
  let marketer: ApiClient;

  const counts = async (tenantId: string) => {
    const db = t.engine.db.tenant(tenantId);
    return { media: await db.collection('media').countDocuments(), chunks: await db.collection('media_chunks').countDocuments() };
  };

  /** A refusal: its status and code, the field at fault, and nothing stored. */
  async function expectRefused(result: UploadResult, status: number, code: string, message: RegExp): Promise<void> {
    expect(result.status, JSON.stringify(result.body)).to.equal(status);
    expect(result.body.error?.code).to.equal(code);
    const [field] = result.body.error?.details?.fields ?? [];
    expect(field?.message).to.match(message);
  }

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'media-a');
    other = await onboardTenant(t, 'media-b');
    wa = await connectWhatsApp(t, tenant);
    marketer = (await addMember(t, tenant, 'marketer@media-a.test', ['marketer'])).client;
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('uploads a template sample through the Resumable Upload API and keeps its handle and bytes', async () => {
    const uploaded = await uploadMedia(marketer, JPEG, { purpose: 'template_example', fileName: 'spring offer.jpg', type: 'image/jpeg' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    const view = uploaded.body as MediaView;
    expect(view).to.include({ purpose: 'template_example', fileName: 'spring offer.jpg', mimeType: 'image/jpeg', size: JPEG.length, contentUrl: `/api/media/${view.id}/content` });
    expect(view.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(view.handle, 'the handle the simulator issued').to.be.a('string');
    expect(wa.sim.state.uploads.sample(view.handle ?? '')?.bytes.equals(JPEG)).to.equal(true);
    const content = await fetch(`${t.url}${view.contentUrl}`, { headers: { cookie: marketer.sessionCookie ?? '' } });
    expect(content.status).to.equal(200);
    expect(content.headers.get('content-type')).to.equal('image/jpeg');
    expect(content.headers.get('content-disposition')).to.equal("inline; filename*=UTF-8''spring%20offer.jpg");
    expect(Buffer.from(await content.arrayBuffer()).equals(JPEG)).to.equal(true);
  });

  it('uploads a campaign header to the number as WhatsApp media, stored in chunks and read back whole', async () => {
    // Over 2 MB, so the bytes span three chunks.
    const big = Buffer.concat([PDF, Buffer.alloc(2 * MB + 123, 0x20)]);
    const uploaded = await uploadMedia(tenant.admin, big, { purpose: 'campaign_header', fileName: 'price list.pdf', type: 'application/pdf' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    const view = uploaded.body as MediaView;
    expect(view).to.include({ purpose: 'campaign_header', mimeType: 'application/pdf', size: big.length, handle: null });
    const stored = await t.engine.db.tenant(tenant.id).collection('media').findOne({});
    expect(stored).to.not.equal(null);
    const record = await t.engine.db.tenant(tenant.id).collection<{ _id: unknown; graphMediaId: string; phoneNumberId: string; chunkCount: number }>('media').findOne({ purpose: 'campaign_header' });
    expect(record?.chunkCount).to.equal(3);
    expect(record?.phoneNumberId).to.equal(PNID);
    const media = wa.sim.state.media.get(record?.graphMediaId ?? '');
    expect(media?.mimeType).to.equal('application/pdf');
    expect(media?.bytes.equals(big)).to.equal(true);
    const content = await fetch(`${t.url}${view.contentUrl}`, { headers: { cookie: tenant.admin.sessionCookie ?? '' } });
    expect(Buffer.from(await content.arrayBuffer()).equals(big)).to.equal(true);
    expect((await marketer.get<MediaView>(`/api/media/${view.id}`)).body).to.deep.equal(view);
  });

  it('answers 410 MEDIA_INCOMPLETE, not an error page, for a file that lost part of its bytes in storage', async () => {
    const uploaded = await uploadMedia(tenant.admin, PNG, { purpose: 'campaign_header', fileName: 'torn.png', type: 'image/png' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    const view = uploaded.body as MediaView;
    await t.engine.db.tenant(tenant.id).collection<{ _id: string }>('media_chunks').deleteOne({ _id: chunkId(view.id, 0) });
    const content = await fetch(`${t.url}${view.contentUrl}`, { headers: { cookie: tenant.admin.sessionCookie ?? '' } });
    expect(content.status).to.equal(410);
    const body = (await content.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('MEDIA_INCOMPLETE');
    expect(body.error.message).to.match(/torn\.png.*Upload the file again/);
  });

  it('lists the files of a purpose newest first, only those a header format takes when asked, and none of another tenant', async () => {
    const png = (await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'listed.png', type: 'image/png' })).body as MediaView;
    const pdf = (await uploadMedia(marketer, PDF, { purpose: 'campaign_header', fileName: 'listed.pdf', type: 'application/pdf' })).body as MediaView;
    const all = await marketer.get<MediaView[]>('/api/media?purpose=campaign_header');
    expect(all.status).to.equal(200);
    expect(all.body.map((m) => m.id).slice(0, 2)).to.deep.equal([pdf.id, png.id]);
    expect(all.body.every((m) => m.purpose === 'campaign_header')).to.equal(true);
    const images = await marketer.get<MediaView[]>('/api/media?purpose=campaign_header&format=IMAGE');
    expect(images.body.map((m) => m.id)).to.include(png.id).and.not.include(pdf.id);
    expect(images.body.every((m) => m.mimeType.startsWith('image/'))).to.equal(true);
    const samples = await marketer.get<MediaView[]>('/api/media?purpose=template_example');
    expect(samples.body.map((m) => m.id)).to.not.include(png.id);
    expect((await other.admin.get<MediaView[]>('/api/media?purpose=campaign_header')).body).to.deep.equal([]);
    const wrong = await marketer.get<{ error: { code: string; details: { fields: { field: string }[] } } }>('/api/media?purpose=campaign_header&format=GIF');
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.details.fields.map((f) => f.field)).to.deep.equal(['query.format']);
  });

  it('deletes a file nothing uses, its bytes with it, and refuses one a campaign still sends, naming the campaign', async () => {
    const spare = (await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'spare.png', type: 'image/png' })).body as MediaView;
    const used = (await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'used.png', type: 'image/png' })).body as MediaView;
    await t.engine.db.tenant(tenant.id).collection('campaigns').insertOne({ name: 'Spring sale', status: 'draft', variables: [{ parameter: MEDIA_HEADER_KEY, source: { kind: 'media', mediaId: used.id }, fallback: '' }] });
    const chunks = () => t.engine.db.tenant(tenant.id).collection('media_chunks').countDocuments({ mediaId: spare.id });
    expect(await chunks()).to.equal(1);
    expect((await other.admin.request('DELETE', `/api/media/${spare.id}`)).status, 'another tenant').to.equal(404);
    expect((await marketer.request('DELETE', `/api/media/${spare.id}`)).status).to.equal(204);
    expect((await marketer.get(`/api/media/${spare.id}`)).status).to.equal(404);
    expect(await chunks()).to.equal(0);
    const refused = await marketer.request<{ error: { code: string; message: string } }>('DELETE', `/api/media/${used.id}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.contain('Spring sale');
    expect((await marketer.get(`/api/media/${used.id}`)).status).to.equal(200);
  });

  it('sweeps away the chunks of an upload a crash cut off before its record, and keeps those of stored files', async () => {
    const db = t.engine.db.tenant(tenant.id);
    const stored = (await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'kept-by-sweep.png', type: 'image/png' })).body as MediaView;
    expect(await db.collection('media_pending').countDocuments({}), 'a finished upload leaves no mark').to.equal(0);
    // A process died after writing two chunks of one file, and another after storing a record but before clearing its mark.
    const cut = '6a0000000000000000000001';
    const hour = new Date(Date.now() - 2 * 3600_000);
    await db.collection<{ _id: string }>('media_chunks').insertMany([0, 1].map((n) => ({ _id: chunkId(cut, n), mediaId: cut, n, data: Buffer.from('x') })));
    await db.collection<{ _id: string; chunkCount: number; at: Date }>('media_pending').insertMany([{ _id: cut, chunkCount: 2, at: hour }, { _id: stored.id, chunkCount: 1, at: hour }]);
    expect(await t.engine.services.media.sweep(tenant.id, 3600_000)).to.equal(2);
    expect(await db.collection('media_chunks').countDocuments({ mediaId: cut })).to.equal(0);
    expect(await db.collection('media_chunks').countDocuments({ mediaId: stored.id })).to.equal(1);
    expect(await db.collection('media_pending').countDocuments({})).to.equal(0);
    expect((await fetch(`${t.url}${stored.contentUrl}`, { headers: { cookie: marketer.sessionCookie ?? '' } })).status).to.equal(200);
  });

  it('goes by the bytes, not the name: a PNG sent as image/jpeg is stored as a PNG', async () => {
    const uploaded = await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'logo.jpg', type: 'image/jpeg' });
    expect(uploaded.status).to.equal(201);
    expect((uploaded.body as MediaView).mimeType).to.equal('image/png');
  });

  it('refuses a type WhatsApp headers do not take, a file that is not what it says, and an empty file, storing nothing', async () => {
    const before = await counts(tenant.id);
    await expectRefused(await uploadMedia(marketer, Buffer.from('GIF89a...'), { purpose: 'campaign_header', fileName: 'a.gif', type: 'image/gif' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /JPEG or PNG image, an MP4 video or a PDF document/);
    await expectRefused(await uploadMedia(marketer, Buffer.from('MZ not a picture'), { purpose: 'campaign_header', fileName: 'a.jpg', type: 'image/jpeg' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /whatever its name says/);
    await expectRefused(await uploadMedia(marketer, Buffer.alloc(0), { purpose: 'campaign_header', fileName: 'a.jpg', type: 'image/jpeg' }), 400, 'VALIDATION_FAILED', /is empty/);
    expect(await counts(tenant.id)).to.deep.equal(before);
  });

  it("refuses a file over WhatsApp's limit for its type: 5 MB for a picture", async () => {
    const before = await counts(tenant.id);
    const large = Buffer.concat([JPEG, Buffer.alloc(5 * MB)]);
    await expectRefused(await uploadMedia(marketer, large, { purpose: 'campaign_header', fileName: 'huge.jpg', type: 'image/jpeg' }), 413, 'PAYLOAD_TOO_LARGE', /at most 5 MB/);
    expect(await counts(tenant.id)).to.deep.equal(before);
  });

  it('names the query field at fault when the purpose or the file name is missing or wrong', async () => {
    const missing = await uploadMedia(marketer, JPEG, { fileName: 'a.jpg', type: 'image/jpeg' });
    expect(missing.status).to.equal(400);
    expect(missing.body.error?.code).to.equal('VALIDATION_FAILED');
    expect(missing.body.error?.details?.fields?.map((issue) => issue.field)).to.deep.equal(['query.purpose']);
    const wrong = await uploadMedia(marketer, JPEG, { purpose: 'avatar', type: 'image/jpeg' });
    expect(wrong.body.error?.details?.fields?.map((issue) => issue.field)).to.have.members(['query.purpose', 'query.fileName']);
    const json = await marketer.request<{ error: { code: string; details: { fields: { field: string }[] } } }>('POST', '/api/media?purpose=campaign_header&fileName=a.jpg', { file: 'x' });
    expect(json.status, 'a JSON body is not a file').to.equal(400);
    expect(json.body.error.details.fields.map((issue) => issue.field)).to.deep.equal(['body']);
  });

  it('refuses people who do not edit templates (403) and callers without a session (401)', async () => {
    const agent = (await addMember(t, tenant, 'agent@media-a.test', ['care_agent'])).client;
    const denied = await uploadMedia(agent, JPEG, { purpose: 'campaign_header', fileName: 'a.jpg', type: 'image/jpeg' });
    expect(denied.status).to.equal(403);
    expect(denied.body.error?.code).to.equal('FORBIDDEN');
    const kept = (await uploadMedia(marketer, PNG, { purpose: 'campaign_header', fileName: 'kept.png', type: 'image/png' })).body as MediaView;
    expect((await agent.request('DELETE', `/api/media/${kept.id}`)).status).to.equal(403);
    const anonymous = await fetch(`${t.url}/api/media?purpose=campaign_header&fileName=a.jpg`, { method: 'POST', headers: { 'content-type': 'image/jpeg', origin: t.url }, body: JPEG });
    expect(anonymous.status).to.equal(401);
    expect((await fetch(`${t.url}/api/media?purpose=campaign_header`)).status).to.equal(401);
  });

  it("answers 404 to another tenant for a file's record and its bytes", async () => {
    const uploaded = await uploadMedia(marketer, JPEG, { purpose: 'campaign_header', fileName: 'a.jpg', type: 'image/jpeg' });
    const id = (uploaded.body as MediaView).id;
    const record = await other.admin.get<{ error: { code: string } }>(`/api/media/${id}`);
    expect(record.status).to.equal(404);
    expect(record.body.error.code).to.equal('NOT_FOUND');
    const content = await fetch(`${t.url}/api/media/${id}/content`, { headers: { cookie: other.admin.sessionCookie ?? '' } });
    expect(content.status).to.equal(404);
  });

  it('answers 502 when WhatsApp refuses the upload, and stores nothing', async () => {
    const before = await counts(tenant.id);
    // The number's token rotated at Meta: every call with the stored one is refused (190).
    wa.sim.state.numbers.upsert({ phoneNumberId: PNID, accessToken: 'rotated-token' });
    try {
      for (const purpose of ['campaign_header', 'template_example']) {
        const refused = await uploadMedia(marketer, JPEG, { purpose, fileName: 'a.jpg', type: 'image/jpeg' });
        expect(refused.status).to.equal(502);
        expect(refused.body.error?.code).to.equal('BAD_GATEWAY');
        expect(refused.body.error?.message).to.match(/^WhatsApp refused the file: .*Nothing was saved\.$/);
      }
    } finally {
      wa.sim.state.numbers.upsert({ phoneNumberId: PNID, accessToken: 'demo-access-token' });
    }
    expect(await counts(tenant.id)).to.deep.equal(before);
  });
});

import { expect } from 'chai';
import type { Simulator } from '../index.js';
import { call, control, PNID, send, startReceiver, startSim, TOKEN, WABA, type GraphErrorBody, type Receiver } from './helpers.js';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 7)]);
const PDF = Buffer.from('%PDF-1.4 a sample quote\n');

type Opened = { id: string };
type Fed = { h?: string; id?: string; file_offset?: number };

async function open(sim: Simulator, params: Record<string, string>, token = TOKEN) {
  return call<Opened & GraphErrorBody>(sim, 'POST', `/v23.0/app/uploads?${new URLSearchParams(params).toString()}`, undefined, token);
}

/** As Meta documents it: `Authorization: OAuth`, the offset as a header, the bytes as the body. */
async function feed(sim: Simulator, session: string, bytes: Buffer, offset: number, token = TOKEN): Promise<{ status: number; body: Fed & GraphErrorBody }> {
  const response = await fetch(`${sim.url}/v23.0/${session}`, { method: 'POST', headers: { authorization: `OAuth ${token}`, file_offset: String(offset) }, body: bytes });
  return { status: response.status, body: (await response.json()) as Fed & GraphErrorBody };
}

async function uploaded(sim: Simulator, bytes: Buffer, type: string, name: string): Promise<string> {
  const session = await open(sim, { file_name: name, file_length: String(bytes.length), file_type: type });
  const fed = await feed(sim, session.body.id, bytes, 0);
  if (!fed.body.h) throw new Error(`no handle: ${JSON.stringify(fed.body)}`);
  return fed.body.h;
}

async function mediaId(sim: Simulator, bytes: Buffer, type: string, name: string): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', type);
  form.set('file', new Blob([bytes], { type }), name);
  const response = await fetch(`${sim.url}/v23.0/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
  return ((await response.json()) as { id: string }).id;
}

const imageTemplate = (handle: string) => ({
  name: 'spring_photo',
  language: 'en',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
    { type: 'BODY', text: 'Hello {{1}}, the spring plans are here.', example: { body_text: [['Ana']] } },
  ],
});

describe('Resumable uploads and media headers', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver);
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('opens a session, takes the bytes with an OAuth token and answers a handle a template can quote', async () => {
    const session = await open(sim, { file_name: 'spring.jpg', file_length: String(JPEG.length), file_type: 'image/jpeg' });
    expect(session.status).to.equal(200);
    expect(session.body.id).to.match(/^upload:[A-Za-z0-9]+$/);
    const fed = await feed(sim, session.body.id, JPEG, 0);
    expect(fed.status).to.equal(200);
    expect(fed.body.h).to.be.a('string').and.match(/^4::/);
    const status = await call<Fed>(sim, 'GET', `/v23.0/${session.body.id}`);
    expect(status.body).to.deep.equal({ id: session.body.id, file_offset: JPEG.length });
    const created = await call<{ status: string }>(sim, 'POST', `/v23.0/${WABA}/message_templates`, imageTemplate(fed.body.h ?? ''));
    expect(created.status).to.equal(200);
    expect(created.body.status).to.equal('PENDING');
  });

  it('resumes an upload from the offset the session reports, and refuses any other offset', async () => {
    const session = await open(sim, { file_length: String(PDF.length), file_type: 'application/pdf' });
    const first = await feed(sim, session.body.id, PDF.subarray(0, 10), 0);
    expect(first.body).to.deep.equal({ id: session.body.id, file_offset: 10 });
    const wrong = await feed(sim, session.body.id, PDF.subarray(10), 0);
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.include({ code: 100, type: 'OAuthException' });
    expect(wrong.body.error.error_data.details).to.contain('file_offset: 10');
    const rest = await feed(sim, session.body.id, PDF.subarray(10), 10);
    expect(rest.body.h).to.be.a('string');
    const again = await feed(sim, session.body.id, PDF, PDF.length);
    expect(again.body.error.error_data.details).to.contain('complete');
  });

  it('refuses a type a header cannot take, a file too large for its type and a missing length', async () => {
    const gif = await open(sim, { file_length: '100', file_type: 'image/gif' });
    expect(gif.status).to.equal(400);
    expect(gif.body.error.code).to.equal(100);
    expect(gif.body.error.error_data.details).to.match(/^file_type: image\/gif is not supported/);
    const large = await open(sim, { file_length: String(5 * 1024 * 1024 + 1), file_type: 'image/png' });
    expect(large.body.error.error_data.details).to.equal('file_length: a image/png file may be at most 5 MB.');
    const video = await open(sim, { file_length: String(16 * 1024 * 1024), file_type: 'video/mp4' });
    expect(video.status, 'a 16 MB video is within the limit').to.equal(200);
    const length = await open(sim, { file_type: 'application/pdf' });
    expect(length.body.error.error_data.details).to.match(/^file_length:/);
  });

  it('refuses bytes past the declared length, an empty body, an unknown session and a bad token', async () => {
    const session = await open(sim, { file_length: '4', file_type: 'application/pdf' });
    const long = await feed(sim, session.body.id, PDF, 0);
    expect(long.body.error.error_data.details).to.contain('longer than the file_length (4 bytes)');
    const empty = await feed(sim, session.body.id, Buffer.alloc(0), 0);
    expect(empty.body.error.error_data.details).to.contain('no bytes');
    const unknown = await feed(sim, 'upload:nothere', PDF, 0);
    expect(unknown.body.error).to.include({ code: 100, error_subcode: 33 });
    const stranger = await feed(sim, session.body.id, PDF.subarray(0, 4), 0, 'not-a-token');
    expect(stranger.status).to.equal(401);
    expect(stranger.body.error.code).to.equal(190);
    const anonymous = await open(sim, { file_length: '4', file_type: 'application/pdf' }, 'not-a-token');
    expect(anonymous.body.error.code).to.equal(190);
  });

  it('creates a media-header template only with an uploaded sample of the right kind; seeding takes a link', async () => {
    const link = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${WABA}/message_templates`, imageTemplate('https://example.com/spring.jpg'));
    expect(link.status).to.equal(400);
    expect(link.body.error.error_data.details).to.contain('is not a handle from the Resumable Upload API');
    const pdf = await uploaded(sim, PDF, 'application/pdf', 'quote.pdf');
    const wrongKind = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${WABA}/message_templates`, imageTemplate(pdf));
    expect(wrongKind.body.error.error_data.details).to.equal('HEADER: a IMAGE header takes image/jpeg or image/png; the sample is application/pdf.');
    const missing = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${WABA}/message_templates`, { ...imageTemplate(''), components: [{ type: 'HEADER', format: 'IMAGE' }, imageTemplate('').components[1]] });
    expect(missing.body.error.error_data.details).to.contain('example.header_handle is required');
    const seeded = await control(sim, 'POST', '/templates', imageTemplate('https://example.com/spring.jpg'));
    expect(seeded.status, 'the control API seeds templates as if made in WhatsApp Manager').to.equal(201);
  });

  it('sends a template whose image header is an uploaded media id, and refuses unknown or mismatched ids', async () => {
    await control(sim, 'POST', '/templates', imageTemplate('https://example.com/spring.jpg'));
    const header = (media: Record<string, unknown>, type = 'image') => ({
      to: '+16505551234',
      type: 'template',
      template: {
        name: 'spring_photo',
        language: { code: 'en' },
        components: [{ type: 'header', parameters: [{ type, [type]: media }] }, { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      },
    });
    const image = await mediaId(sim, JPEG, 'image/jpeg', 'spring.jpg');
    const sent = await send(sim, header({ id: image }));
    expect(sent.status).to.equal(200);
    expect(sent.body.messages[0]?.id).to.match(/^wamid\./);
    const unknown = await send<GraphErrorBody>(sim, header({ id: '123456' }));
    expect(unknown.body.error).to.include({ code: 131009 });
    const pdf = await mediaId(sim, PDF, 'application/pdf', 'quote.pdf');
    const mismatched = await send<GraphErrorBody>(sim, header({ id: pdf }));
    expect(mismatched.body.error.code).to.equal(132012);
    expect(mismatched.body.error.error_data.details).to.contain('application/pdf, not a image');
  });
});

import { expect } from 'chai';
import type { AuditEntryView, TemplateView } from '@parley/common';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { eventually } from '../support/whatsapp.js';
import { approvedTemplate, closeWorld, offer, sim, simTemplates, socketOf, templateWorld, type ClientSocket, type ErrorAnswer, type TemplateWorld } from './template-fixtures.js';

describe('TemplatesService', () => {
  let world: TemplateWorld;
  let other: TenantFixture;
  let socket: ClientSocket | undefined;

  before(async () => {
    world = await templateWorld('templates-a');
    other = await onboardTenant(world.t, 'templates-b');
  });
  after(async () => {
    socket?.close();
    await closeWorld(world, [other.id]);
  });

  const put = <T>(id: string, body: unknown) => world.marketer.client.request<T>('PUT', `/api/templates/${id}`, body);
  /** The body of an edit: name and language are a template's identity and cannot change. */
  const edit = (change: Parameters<typeof offer>[0] = {}) => {
    const { name: _name, language: _language, ...rest } = offer(change);
    return rest;
  };
  const audit = async (action: string) => (await world.tenant.admin.get<AuditEntryView[]>(`/api/audit?action=${action}`)).body;

  it('refuses a template with problems with 400 and every field at fault; nothing reaches WhatsApp or the database', async () => {
    const bad = offer({ name: 'Spring Offer', body: { text: '{{1}} take {{3}} off', examples: { '1': 'Ana' } }, footer: 'Bye {{1}}' });
    const refused = await world.marketer.client.post<ErrorAnswer>('/api/templates', bad);
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('VALIDATION_FAILED');
    const fields = refused.body.error.details?.fields?.map((f) => f.field) ?? [];
    expect(fields).to.include.members(['body.name', 'body.body.text', 'body.body.examples.3', 'body.footer']);
    expect(await simTemplates(world.wa)).to.deep.equal([]);
    expect((await world.marketer.client.get<TemplateView[]>('/api/templates')).body).to.deep.equal([]);
    expect(await audit('template.created')).to.deep.equal([]);
  });

  it('keeps a draft in Parley only, then submits it: WhatsApp reviews it as PENDING', async () => {
    const draft = await world.marketer.client.post<TemplateView>('/api/templates', offer({ name: 'welcome_draft', submit: false, body: { text: 'Welcome {{1}}, glad you are here.', examples: {} } }));
    expect(draft.status).to.equal(201);
    expect(draft.body).to.deep.include({ status: 'DRAFT', graphId: null, editable: true });
    expect(await simTemplates(world.wa)).to.deep.equal([]);

    const unfinished = await world.marketer.client.post<ErrorAnswer>(`/api/templates/${draft.body.id}/submit`);
    expect(unfinished.status).to.equal(400);
    expect(unfinished.body.error.details?.fields?.map((f) => f.field)).to.deep.equal(['body.body.examples.1']);

    const fixed = await put<TemplateView>(draft.body.id, edit({ body: { text: 'Welcome {{1}}, glad you are here.', examples: { '1': 'Ana' } }, submit: false }));
    expect(fixed.body.status).to.equal('DRAFT');
    const submitted = await world.marketer.client.post<TemplateView>(`/api/templates/${draft.body.id}/submit`);
    expect(submitted.status).to.equal(200);
    expect(submitted.body.status).to.equal('PENDING');
    const atWhatsApp = (await simTemplates(world.wa)).find((t) => t.id === submitted.body.graphId);
    expect(atWhatsApp).to.deep.include({ name: 'welcome_draft', status: 'PENDING', category: 'MARKETING' });
    expect(atWhatsApp?.components.find((c) => c.type === 'BODY')?.text).to.equal('Welcome {{1}}, glad you are here.');
    expect((await audit('template.submitted')).map((e) => e.target.label)).to.deep.equal(['welcome_draft (en_US)']);
  });

  it('turns APPROVED when WhatsApp approves it, live to everyone who reads templates', async () => {
    socket = await socketOf(world.t, world.care.client);
    const created = await world.marketer.client.post<TemplateView>('/api/templates', offer());
    expect(created.status).to.equal(201);
    expect(created.body.status).to.equal('PENDING');
    const live = new Promise<TemplateView>((resolve) => {
      socket?.on('template:updated', (view) => {
        if (view.id === created.body.id && view.status === 'APPROVED') resolve(view);
      });
    });
    await sim(world.wa, 'POST', `/templates/${created.body.graphId ?? ''}/review`);
    const approved = await live;
    expect(approved.content.body.text).to.equal('Hi {{1}}, take {{2}} off this week.');
    expect((await world.care.client.get<TemplateView>(`/api/templates/${created.body.id}`)).body.status).to.equal('APPROVED');
    const changes = await audit('template.status_changed');
    expect(changes[0]).to.deep.include({ before: { status: 'PENDING', reason: null }, after: { status: 'APPROVED', reason: null } });
    expect(changes[0]?.actor).to.deep.equal({ id: null, email: null });
  });

  describe('editing, by Meta’s rules', () => {
    it('refuses to edit a template under review with 409', async () => {
      const pending = (await world.marketer.client.get<TemplateView[]>('/api/templates')).body.find((t) => t.name === 'welcome_draft');
      const refused = await put<ErrorAnswer>(pending?.id ?? '', edit({ submit: false }));
      expect(refused.status).to.equal(409);
      expect(refused.body.error.message).to.contain('Only approved, rejected or paused templates can be edited');
    });

    it('sends an edit of an approved template back to review, and refuses a new category', async () => {
      const approved = await approvedTemplate(world, offer({ name: 'edit_me' }));
      const recategorised = await put<ErrorAnswer>(approved.id, edit({ category: 'UTILITY' }));
      expect(recategorised.status).to.equal(400);
      expect(recategorised.body.error.details?.fields?.map((f) => f.field)).to.deep.equal(['body.category']);

      const edited = await put<TemplateView>(approved.id, edit({ body: { text: 'Hi {{1}}, take {{2}} off until Sunday.', examples: { '1': 'Ana', '2': '25%' } } }));
      expect(edited.status).to.equal(200);
      expect(edited.body.status).to.equal('PENDING');
      const atWhatsApp = (await simTemplates(world.wa)).find((t) => t.id === approved.graphId);
      expect(atWhatsApp?.components.find((c) => c.type === 'BODY')?.text).to.equal('Hi {{1}}, take {{2}} off until Sunday.');
      expect((await audit('template.updated'))[0]?.before).to.have.property('status', 'APPROVED');
    });

    it('explains WhatsApp’s refusal of a second edit within 24 hours as a 400, changing nothing', async () => {
      const list = (await world.marketer.client.get<TemplateView[]>('/api/templates')).body;
      const template = list.find((t) => t.name === 'edit_me');
      await sim(world.wa, 'POST', `/templates/${template?.graphId ?? ''}/review`);
      const approved = await eventually(async () => {
        const view = (await world.marketer.client.get<TemplateView>(`/api/templates/${template?.id ?? ''}`)).body;
        return view.status === 'APPROVED' ? view : undefined;
      }, 'the edit approved');
      const again = await put<ErrorAnswer>(approved.id, edit({ body: { text: 'Hi {{1}}, take {{2}} off today only.', examples: { '1': 'Ana', '2': '30%' } } }));
      expect(again.status).to.equal(400);
      expect(again.body.error.message).to.match(/^WhatsApp refused to accept the edit: .*once per 24 hours/);
      const after = (await world.marketer.client.get<TemplateView>(`/api/templates/${approved.id}`)).body;
      expect(after.status).to.equal('APPROVED');
      expect(after.body).to.equal('Hi {{1}}, take {{2}} off until Sunday.');
    });
  });

  it('deletes one language and keeps the others', async () => {
    const english = await approvedTemplate(world, offer({ name: 'two_languages' }));
    const spanish = await approvedTemplate(world, offer({ name: 'two_languages', language: 'es', body: { text: 'Hola {{1}}, {{2}} de descuento esta semana.', examples: { '1': 'Ana', '2': '20%' } } }));
    const removed = await world.marketer.client.request('DELETE', `/api/templates/${spanish.id}`);
    expect(removed.status).to.equal(204);
    const left = (await simTemplates(world.wa)).filter((t) => t.name === 'two_languages').map((t) => t.language);
    expect(left).to.deep.equal(['en_US']);
    const local = (await world.marketer.client.get<TemplateView[]>('/api/templates')).body.filter((t) => t.name === 'two_languages');
    expect(local.map((t) => t.id)).to.deep.equal([english.id]);
    expect((await audit('template.deleted'))[0]?.target.label).to.equal('two_languages (es)');
  });

  it('keeps nothing when WhatsApp refuses a new template (a deleted name reused within 30 days)', async () => {
    const refused = await world.marketer.client.post<ErrorAnswer>('/api/templates', offer({ name: 'two_languages', language: 'fr' }));
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(/^WhatsApp refused to accept the template: .*30 days/);
    const local = (await world.marketer.client.get<TemplateView[]>('/api/templates')).body;
    expect(local.some((t) => t.name === 'two_languages' && t.language === 'fr')).to.equal(false);
  });

  it('lets a care agent read templates but not create, edit, submit or delete them (403)', async () => {
    const [any] = (await world.care.client.get<TemplateView[]>('/api/templates')).body;
    const id = any?.id ?? '';
    expect((await world.care.client.get(`/api/templates/${id}`)).status).to.equal(200);
    expect((await world.care.client.post('/api/templates', offer({ name: 'care_made' }))).status).to.equal(403);
    expect((await world.care.client.request('PUT', `/api/templates/${id}`, edit())).status).to.equal(403);
    expect((await world.care.client.post(`/api/templates/${id}/submit`)).status).to.equal(403);
    expect((await world.care.client.request('DELETE', `/api/templates/${id}`)).status).to.equal(403);
    expect((await simTemplates(world.wa)).some((t) => t.name === 'care_made')).to.equal(false);
  });

  it('answers 404 to another tenant for every template id, and changes nothing', async () => {
    const before = (await world.marketer.client.get<TemplateView[]>('/api/templates')).body;
    for (const template of before) {
      expect((await other.admin.get(`/api/templates/${template.id}`)).status).to.equal(404);
      expect((await other.admin.request('PUT', `/api/templates/${template.id}`, edit({ submit: false }))).status).to.equal(404);
      expect((await other.admin.post(`/api/templates/${template.id}/submit`)).status).to.equal(404);
      expect((await other.admin.request('DELETE', `/api/templates/${template.id}`)).status).to.equal(404);
    }
    expect((await world.marketer.client.get<TemplateView[]>('/api/templates')).body).to.deep.equal(before);
  });
});

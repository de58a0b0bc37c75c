import { expect } from 'chai';
import type { AuditEntryView, NotificationView, TemplateView } from '@parley/common';
import type { TemplateStatusChange } from '../../src/domains/templates/index.js';
import { eventually, PNID, WABA } from '../support/whatsapp.js';
import { approvedTemplate, closeWorld, offer, sim, templateWorld, type TemplateWorld } from './template-fixtures.js';

type Listed = { items: NotificationView[]; unread: number };

function templateEnvelope(field: string, time: number, value: Record<string, unknown>) {
  return { object: 'whatsapp_business_account', entry: [{ id: WABA, time, changes: [{ field, value }] }] };
}

describe('TemplatesService webhooks', () => {
  let world: TemplateWorld;
  let template: TemplateView;
  const changes: [string, TemplateStatusChange][] = [];

  before(async () => {
    world = await templateWorld('template-hooks');
    world.t.engine.services.templates.onTemplateStatusChanged((tenantId, change) => void changes.push([tenantId, change]));
    template = await approvedTemplate(world, offer());
  });
  after(async () => {
    await closeWorld(world);
  });

  const view = async () => (await world.marketer.client.get<TemplateView>(`/api/templates/${template.id}`)).body;
  const notices = async (client = world.marketer.client) => (await client.get<Listed>('/api/notifications')).body.items;
  const statusAudit = async () => (await world.tenant.admin.get<AuditEntryView[]>('/api/audit?action=template.status_changed')).body;

  it('tells campaigns when WhatsApp approves a template', () => {
    expect(changes.map(([tenantId, change]) => [tenantId, change.templateId, change.status])).to.deep.include([world.tenant.id, template.id, 'APPROVED']);
  });

  it('tells marketers and tenant admins in plain words when WhatsApp pauses a template, and not care agents', async () => {
    await sim(world.wa, 'POST', '/events/template-status', { templateId: template.graphId, event: 'PAUSED', other_info: { title: 'FIRST_PAUSE', description: 'Your template was paused due to low quality.' } });
    const [notice] = await eventually(async () => {
      const list = await notices();
      return list.length > 0 ? list : undefined;
    }, 'the pause notice');
    expect(notice).to.deep.include({ kind: 'template.paused', severity: 'warning', title: 'Template spring_offer (en_US) was paused', link: `/templates?open=${template.id}` });
    expect(notice?.body).to.equal('Customers gave repeated negative feedback: WhatsApp paused it for about 3 hours. Your template was paused due to low quality.');
    expect((await notices(world.tenant.admin)).map((n) => n.kind)).to.deep.equal(['template.paused']);
    expect(await notices(world.care.client)).to.deep.equal([]);
    expect(await view()).to.deep.include({ status: 'PAUSED', reason: { code: 'FIRST_PAUSE', text: notice?.body ?? '' } });
    expect(changes.at(-1)?.[1]).to.deep.include({ templateId: template.id, name: 'spring_offer', language: 'en_US', status: 'PAUSED' });
  });

  it('applies a redelivered webhook once, and never lets an older event override a newer one', async () => {
    const time = Math.floor(Date.now() / 1000) + 60;
    const rejected = templateEnvelope('message_template_status_update', time, {
      event: 'REJECTED',
      message_template_id: Number(template.graphId),
      message_template_name: 'spring_offer',
      message_template_language: 'en_US',
      reason: 'INVALID_FORMAT',
      rejection_info: { reason: 'Parameters placed next to each other.', recommendation: 'Separate parameters with text.' },
    });
    const auditBefore = (await statusAudit()).length;
    for (let i = 0; i < 3; i++) expect((await world.wa.post(rejected)).status).to.equal(200);
    await eventually(async () => (await view()).status === 'REJECTED', 'the rejection applied');
    const stale = templateEnvelope('message_template_status_update', time - 30, { event: 'APPROVED', message_template_id: Number(template.graphId), reason: 'NONE' });
    expect((await world.wa.post(stale)).status).to.equal(200);
    await world.t.engine.services.webhooks.idle();
    expect((await view()).status).to.equal('REJECTED');
    expect((await view()).reason?.text).to.equal('The format is not valid: check the variables (not at the start or end, not side by side) and their examples. Parameters placed next to each other. What to do: Separate parameters with text.');
    expect((await statusAudit()).length).to.equal(auditBefore + 1);
    expect((await notices()).filter((n) => n.kind === 'template.rejected')).to.have.length(1);
  });

  it('records quality changes and tells managers when WhatsApp re-categorises a template', async () => {
    await sim(world.wa, 'POST', '/events/template-quality', { templateId: template.graphId, score: 'YELLOW' });
    await eventually(async () => (await view()).quality === 'YELLOW', 'the quality change');
    await sim(world.wa, 'POST', '/events/template-category', { templateId: template.graphId, category: 'UTILITY' });
    await eventually(async () => (await view()).category === 'UTILITY', 'the category change');
    const notice = (await notices()).find((n) => n.kind === 'template.recategorised');
    expect(notice?.title).to.equal('WhatsApp moved spring_offer (en_US) to UTILITY');
    expect(notice?.body).to.contain('It was MARKETING');
  });

  it('brings in a template made outside Parley when a webhook names it', async () => {
    const made = await sim<{ id: string }>(world.wa, 'POST', '/templates', { wabaId: WABA, name: 'made_in_manager', language: 'en', category: 'UTILITY', status: 'PENDING', components: [{ type: 'BODY', text: 'Your order has shipped.' }] });
    await sim(world.wa, 'POST', '/events/template-status', { templateId: made.id, event: 'APPROVED' });
    const arrived = await eventually(async () => (await world.marketer.client.get<TemplateView[]>('/api/templates')).body.find((t) => t.name === 'made_in_manager'), 'the resync');
    expect(arrived).to.deep.include({ graphId: made.id, status: 'APPROVED', body: 'Your order has shipped.' });
  });

  it('forgets a template WhatsApp deleted, and tells campaigns', async () => {
    const doomed = await approvedTemplate(world, offer({ name: 'soon_deleted' }));
    await fetch(`${world.wa.sim.url}/v23.0/${WABA}/message_templates?name=soon_deleted`, { method: 'DELETE', headers: { authorization: 'Bearer demo-access-token' } });
    await eventually(async () => (await world.marketer.client.get(`/api/templates/${doomed.id}`)).status === 404, 'the deletion');
    expect(changes.at(-1)?.[1]).to.deep.include({ templateId: doomed.id, status: 'DELETED' });
  });

  it('builds a campaign send with header, named body and link values that WhatsApp accepts, and the text the recipient reads', async () => {
    const named = await approvedTemplate(
      world,
      offer({
        name: 'new_plan_named',
        parameterFormat: 'NAMED',
        header: { format: 'TEXT', text: 'News for {{first_name}}', examples: { first_name: 'Ana' } },
        body: { text: 'Hi {{first_name}}, {{plan}} is now available for you.', examples: { first_name: 'Ana', plan: 'Fibre 500' } },
        buttons: [{ type: 'URL', text: 'See the plan', url: 'https://example.com/plans/{{1}}', example: 'https://example.com/plans/fibre' }],
      }),
    );
    expect(named.variables.map((v) => v.key)).to.deep.equal(['first_name', 'plan', 'header:first_name', 'button:0']);
    const message = await world.t.engine.services.templates.buildMessage(world.tenant.id, named.id, { first_name: 'José', plan: 'Fibre 1000', 'header:first_name': 'José', 'button:0': 'f1000' });
    expect(message.text).to.equal('News for José\n\nHi José, Fibre 1000 is now available for you.\n\nReply STOP to opt out');
    const response = await fetch(`${world.wa.sim.url}/v23.0/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+447700900555', type: 'template', template: message.template }),
    });
    expect(response.status, await response.clone().text()).to.equal(200);
    const missing = await world.t.engine.services.templates.buildMessage(world.tenant.id, named.id, { first_name: 'José' }).catch((error: unknown) => error);
    expect(missing).to.have.property('code', 'VALIDATION_FAILED');
  });
});

import { expect } from 'chai';
import type { Simulator } from '../index.js';
import {
  APPROVED_TEMPLATE, call, changesOf, control, send, startReceiver, startSim, waitFor, WABA, type GraphErrorBody, type Receiver,
} from './helpers.js';

interface TemplateList {
  data: Array<{ id: string; name: string; status: string; language: string }>;
  paging: { cursors: { before?: string; after?: string }; next?: string };
}

describe('Templates', () => {
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

  const statusEvents = () => changesOf(receiver, 'message_template_status_update').map((change) => change.value);

  it('creates a template as PENDING, approves it by webhook, lists it and deletes it', async () => {
    const created = await call<{ id: string; status: string; category: string }>(sim, 'POST', `/v23.0/${WABA}/message_templates`, APPROVED_TEMPLATE);
    expect(created.body).to.deep.include({ status: 'PENDING', category: 'UTILITY' });
    sim.state.clock.advance(5_000);
    await waitFor(() => statusEvents().length === 1, 'approval webhook');
    expect(statusEvents()[0]).to.include({ event: 'APPROVED', message_template_id: Number(created.body.id), message_template_name: 'order_update', reason: 'NONE' });
    const listed = await call<TemplateList>(sim, 'GET', `/v23.0/${WABA}/message_templates?fields=name,status,language&status=APPROVED`);
    expect(listed.body.data).to.deep.equal([{ name: 'order_update', status: 'APPROVED', language: 'en_US', id: created.body.id }]);
    const byId = await call(sim, 'GET', `/v23.0/${created.body.id}?fields=status`);
    expect(byId.body).to.deep.equal({ status: 'APPROVED', id: created.body.id });
    const deleted = await call(sim, 'DELETE', `/v23.0/${WABA}/message_templates?name=order_update`);
    expect(deleted.body).to.deep.equal({ success: true });
    await waitFor(() => statusEvents().length === 2, 'deletion webhook');
    expect(statusEvents()[1]).to.include({ event: 'DELETED', message_template_name: 'order_update' });
    const after = await send<GraphErrorBody>(sim, { to: '+16505551234', type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } });
    expect(after.status).to.equal(404);
    expect(after.body.error.code).to.equal(132001);
  });

  it('sends an edited template back to review, then reports the new components', async () => {
    const created = await control<{ id: string }>(sim, 'POST', '/templates', APPROVED_TEMPLATE);
    const edited = await call(sim, 'POST', `/v23.0/${created.body.id}`, { components: [{ type: 'BODY', text: 'Hello {{1}}, order {{2}} is on its way.', example: { body_text: [['Ana', '#1']] } }] });
    expect(edited.body).to.deep.equal({ success: true });
    const pending = await call(sim, 'GET', `/v23.0/${created.body.id}?fields=status`);
    expect(pending.body).to.deep.equal({ status: 'PENDING', id: created.body.id });
    sim.state.clock.advance(5_000);
    await waitFor(() => changesOf(receiver, 'message_template_components_update').length === 1, 'components update');
    expect(changesOf(receiver, 'message_template_components_update')[0]?.value).to.include({ message_template_element: 'Hello {{1}}, order {{2}} is on its way.' });
    const again = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${created.body.id}`, { components: [{ type: 'BODY', text: 'Third try.' }] });
    expect(again.body.error.code, 'one edit per 24 h on an approved template').to.equal(100);
  });

  it('rejects a body that starts with a variable, with rejection info', async () => {
    await call(sim, 'POST', `/v23.0/${WABA}/message_templates`, { name: 'bad_one', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: '{{1}} come back!', example: { body_text: [['Ana']] } }] });
    sim.state.clock.advance(5_000);
    await waitFor(() => statusEvents().length === 1, 'rejection');
    expect(statusEvents()[0]).to.include({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
    expect(statusEvents()[0]).to.have.property('rejection_info');
  });

  it('refuses invalid names and missing examples', async () => {
    const name = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${WABA}/message_templates`, { ...APPROVED_TEMPLATE, name: 'Order-Update' });
    expect(name.body.error.code).to.equal(100);
    expect(name.body.error.error_data.details).to.contain('name');
    const example = await call<GraphErrorBody>(sim, 'POST', `/v23.0/${WABA}/message_templates`, { name: 'no_example', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, ok.' }] });
    expect(example.body.error.error_data.details).to.contain('example');
  });

  it('pages the template list with cursors', async () => {
    for (const n of [1, 2, 3]) await control(sim, 'POST', '/templates', { ...APPROVED_TEMPLATE, name: `t${n}` });
    const first = await call<TemplateList>(sim, 'GET', `/v23.0/${WABA}/message_templates?limit=2&fields=name`);
    expect(first.body.data.map((t) => t.name)).to.deep.equal(['t1', 't2']);
    expect(first.body.paging.next).to.be.a('string');
    const next = await call<TemplateList>(sim, 'GET', new URL(first.body.paging.next ?? '').pathname + new URL(first.body.paging.next ?? '').search);
    expect(next.body.data.map((t) => t.name)).to.deep.equal(['t3']);
    expect(next.body.paging).to.not.have.property('next');
  });

  describe('sending', () => {
    beforeEach(async () => {
      await control(sim, 'POST', '/templates', APPROVED_TEMPLATE);
      await control(sim, 'POST', '/templates', {
        name: 'welcome_named', language: 'en', category: 'MARKETING', parameter_format: 'NAMED',
        components: [{ type: 'BODY', text: 'Hello {{first_name}}, your plan is {{plan}}.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'plan', example: 'Fibre' }] } }],
      });
    });
    const template = (name: string, language: string, components: unknown[]) => ({ to: '+16505551234', type: 'template', template: { name, language: { code: language }, components } });
    const body = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
    const url = { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ord-1' }] };

    it('accepts a template with the right parameters outside the window', async () => {
      const ok = await send(sim, template('order_update', 'en_US', [body('Ana', '#1'), url, { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP_PROMO' }] }]));
      expect(ok.status).to.equal(200);
    });

    it('answers 132000 on a wrong parameter count', async () => {
      const wrong = await send<GraphErrorBody>(sim, template('order_update', 'en_US', [body('Ana'), url]));
      expect(wrong.body.error.code).to.equal(132000);
      const noUrl = await send<GraphErrorBody>(sim, template('order_update', 'en_US', [body('Ana', '#1')]));
      expect(noUrl.body.error.code).to.equal(132000);
    });

    it('answers 132001 (HTTP 404) on an unknown template or language', async () => {
      const unknown = await send<GraphErrorBody>(sim, template('nope', 'en_US', []));
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal(132001);
      const language = await send<GraphErrorBody>(sim, template('order_update', 'pt_BR', [body('Ana', '#1'), url]));
      expect(language.body.error.code).to.equal(132001);
    });

    it('answers 132015 when paused and 132016 when disabled', async () => {
      await control(sim, 'POST', '/events/template-status', { name: 'order_update', event: 'PAUSED', other_info: { title: 'FIRST_PAUSE', description: 'low quality' } });
      const paused = await send<GraphErrorBody>(sim, template('order_update', 'en_US', [body('Ana', '#1'), url]));
      expect(paused.body.error.code).to.equal(132015);
      await control(sim, 'POST', '/events/template-status', { name: 'order_update', event: 'DISABLED' });
      const disabled = await send<GraphErrorBody>(sim, template('order_update', 'en_US', [body('Ana', '#1'), url]));
      expect(disabled.body.error.code).to.equal(132016);
    });

    it('checks named parameters and button sub_type', async () => {
      const named = (params: unknown[]) => template('welcome_named', 'en', [{ type: 'body', parameters: params }]);
      const ok = await send(sim, named([{ type: 'text', parameter_name: 'plan', text: 'Fibre' }, { type: 'text', parameter_name: 'first_name', text: 'Ana' }]));
      expect(ok.status).to.equal(200);
      const unnamed = await send<GraphErrorBody>(sim, named([{ type: 'text', text: 'Fibre' }, { type: 'text', text: 'Ana' }]));
      expect(unnamed.body.error.code).to.equal(100);
      const wrongSet = await send<GraphErrorBody>(sim, named([{ type: 'text', parameter_name: 'plan', text: 'x' }, { type: 'text', parameter_name: 'nickname', text: 'y' }]));
      expect(wrongSet.body.error.code).to.equal(132000);
      const subType = await send<GraphErrorBody>(sim, template('order_update', 'en_US', [body('Ana', '#1'), { ...url, sub_type: 'quick_reply' }]));
      expect(subType.body.error.code).to.equal(131009);
    });
  });
});

import { expect } from 'chai';
import type { ConversationView, MessageView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { connectWhatsApp, conversationOf, detailOf, eventually, PNID, type WhatsAppFixture } from '../support/whatsapp.js';

describe('WhatsApp error-code policies', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;

  const sim = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${wa.sim.url}/__sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };

  async function openConversation(waId: string): Promise<ConversationView> {
    await wa.inject({ from: waId, name: `Customer ${waId}`, type: 'text', text: { body: 'hello' } });
    // Listed as soon as it exists; its window is open once the read model has the message.
    return eventually(async () => {
      const conversation = await conversationOf(tenant, waId);
      return conversation?.lastInboundAt ? conversation : undefined;
    }, `conversation of ${waId} with its window open`);
  }

  const textsTo = (waId: string) => wa.sends(waId).map((send) => JSON.stringify(send.request));

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'policies');
    wa = await connectWhatsApp(t, tenant);
  });
  after(async () => {
    await sim('PATCH', `/numbers/${PNID}`, { throughput: 80 }).catch(() => undefined);
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('absorbs a 130429 burst by pacing: every message goes out once, none is lost', async () => {
    const conversation = await openConversation('447700300001');
    await eventually(async () => wa.sends('447700300001').length === 1, 'the greeting');
    await sim('PATCH', `/numbers/${PNID}`, { throughput: 2 });
    const texts = Array.from({ length: 6 }, (_, i) => `burst message ${i}`);
    const results = await Promise.all(texts.map((text) => tenant.admin.post<MessageView>(`/api/conversations/${conversation.id}/messages`, { text })));
    await sim('PATCH', `/numbers/${PNID}`, { throughput: 80 });
    expect(results.map((r) => r.status)).to.deep.equal(texts.map(() => 201));
    for (const text of texts) expect(textsTo('447700300001').filter((body) => body.includes(text)), text).to.have.length(1);
    const failed = (await detailOf(tenant, conversation.id)).messages.filter((m) => m.status === 'failed');
    expect(failed).to.deep.equal([]);
  });

  it('backs off on 131056 for that recipient only', async () => {
    const slow = await openConversation('447700300002');
    const other = await openConversation('447700300003');
    await eventually(async () => wa.sends('447700300002').length === 1 && wa.sends('447700300003').length === 1, 'the greetings');
    await sim('POST', '/settings', { pairRate: { burst: 1, refillMs: 60_000 } });
    try {
      const first = tenant.admin.post(`/api/conversations/${slow.id}/messages`, { text: 'pair one' });
      const second = tenant.admin.post(`/api/conversations/${slow.id}/messages`, { text: 'pair two' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      // While the customer above is being backed off, another customer is served at once.
      const unaffected = await tenant.admin.post<MessageView>(`/api/conversations/${other.id}/messages`, { text: 'not slowed down' });
      expect(unaffected.status).to.equal(201);
      expect(textsTo('447700300003').some((body) => body.includes('not slowed down'))).to.equal(true);
      await sim('POST', '/settings', { pairRate: { burst: 45, refillMs: 6000 } });
      const answers = await Promise.all([first, second]);
      expect(answers.map((a) => a.status)).to.deep.equal([201, 201]);
      const sent = textsTo('447700300002');
      expect(sent.filter((body) => body.includes('pair one'))).to.have.length(1);
      expect(sent.filter((body) => body.includes('pair two'))).to.have.length(1);
    } finally {
      await sim('POST', '/settings', { pairRate: { burst: 45, refillMs: 6000 } });
    }
  });

  it('resyncs templates when WhatsApp answers 132001 for a template deleted behind our back', async () => {
    const conversation = await openConversation('447700300004');
    await sim('POST', '/templates', { wabaId: wa.channel.wabaId, name: 'soon_gone', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there' }] });
    const synced = await tenant.admin.post<{ name: string }[]>('/api/templates/sync');
    expect(synced.body.map((tpl) => tpl.name)).to.include('soon_gone');
    // The deletion's webhook does not reach us (a missed subscription), so only the 132001 can tell.
    await sim('PATCH', `/numbers/${PNID}`, { webhookUrl: 'http://127.0.0.1:9/unreachable' });
    await fetch(`${wa.sim.url}/v23.0/${wa.channel.wabaId}/message_templates?name=soon_gone`, { method: 'DELETE', headers: { authorization: 'Bearer demo-access-token' } });
    const sent = await tenant.admin.post<MessageView>(`/api/conversations/${conversation.id}/templates`, { name: 'soon_gone', language: 'en_US', parameters: [] });
    await sim('PATCH', `/numbers/${PNID}`, { webhookUrl: `${t.url}/webhooks/whatsapp` });
    expect(sent.body).to.deep.include({ status: 'failed' });
    expect(sent.body.error?.code).to.equal(132001);
    await eventually(async () => {
      const list = await tenant.admin.get<{ name: string }[]>('/api/templates');
      return !list.body.some((tpl) => tpl.name === 'soon_gone');
    }, 'the resync to drop the template');
  });
});

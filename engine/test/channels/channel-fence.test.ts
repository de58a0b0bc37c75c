import { expect } from 'chai';
import type { ErrorBody } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { APP_SECRET, connectWhatsApp, conversationOf, eventually, PNID, WABA, type WhatsAppFixture } from '../support/whatsapp.js';

describe('Sending through a number of the sender\'s own tenant', () => {
  let t: TestEngine;
  let first: TenantFixture;
  let second: TenantFixture;
  let wa: WhatsAppFixture;
  const waId = '447700900123';

  before(async () => {
    t = await startTestEngine();
    first = await onboardTenant(t, 'fence-first');
    second = await onboardTenant(t, 'fence-second');
    wa = await connectWhatsApp(t, first);
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it("refuses a reply in a conversation whose number now belongs to another tenant, and sends nothing through it", async () => {
    await wa.inject({ from: waId, name: 'Customer', type: 'text', text: { body: 'hello' } });
    const conversation = await eventually(() => conversationOf(first, waId), 'the conversation');
    await eventually(async () => wa.sends(waId).length > 0, 'the bot greeting');
    // The first tenant gives the number up and another connects it.
    expect((await first.admin.request('DELETE', `/api/channels/${PNID}`)).status).to.equal(204);
    const reconnected = await second.admin.post('/api/channels', {
      phoneNumberId: PNID,
      wabaId: WABA,
      displayPhoneNumber: '+1 555 010 0001',
      accessToken: 'demo-access-token',
      appSecret: APP_SECRET,
      verifyToken: 'demo-verify-token',
      graphBaseUrl: `${wa.sim.url}/v23.0`,
    });
    expect(reconnected.status).to.equal(201);
    const sentBefore = wa.sends(waId).length;

    const answer = await first.admin.post<ErrorBody>(`/api/conversations/${conversation.id}/messages`, { text: 'Still there?' });

    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('CONFLICT');
    expect(wa.sends(waId)).to.have.length(sentBefore);
  });
});

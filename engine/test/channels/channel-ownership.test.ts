import { expect } from 'chai';
import type { ErrorBody } from '@parley/common';
import { ChannelsService } from '../../src/domains/channels/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { connectWhatsApp, PNID, WABA, type WhatsAppFixture } from '../support/whatsapp.js';

describe(`${ChannelsService.name} ownership of WhatsApp ids`, () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;
  let wa: WhatsAppFixture;
  const claim = (tenant: TenantFixture, ids: { phoneNumberId: string; wabaId: string }) =>
    tenant.admin.post<ErrorBody>('/api/channels', { ...ids, displayPhoneNumber: '+1 555 010 0002', accessToken: 'other-access-token', appSecret: 'other-secret', verifyToken: 'other-verify', graphBaseUrl: `${wa.sim.url}/v23.0` });

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'owner-a');
    b = await onboardTenant(t, 'owner-b');
    wa = await connectWhatsApp(t, a);
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it("refuses another tenant's phone number id with 409, without saying whose it is", async () => {
    const answer = await claim(b, { phoneNumberId: PNID, wabaId: '900000000000001' });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('CONFLICT');
    expect(JSON.stringify(answer.body)).not.to.contain(a.id).and.not.to.contain(a.slug);
  });

  it("refuses another tenant's WABA id with 409, even for a number of its own", async () => {
    const answer = await claim(b, { phoneNumberId: '100000000000077', wabaId: WABA });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.details?.fields?.[0]?.field).to.equal('body.wabaId');
    expect(JSON.stringify(answer.body)).not.to.contain(a.id).and.not.to.contain(a.slug);
    expect((await b.admin.get<unknown[]>('/api/channels')).body).to.deep.equal([]);
  });

  it("keeps the account's webhooks going to the tenant that holds it", async () => {
    const byAccount = await t.engine.services.channels.byWabaId(WABA);
    expect(byAccount?.tenantId).to.equal(a.id);
  });

  it('lets the same tenant connect a second number of its account', async () => {
    const answer = await claim(a, { phoneNumberId: '100000000000078', wabaId: WABA });
    expect(answer.status).to.equal(201);
  });

  it('releases the account once its last number is disconnected', async () => {
    expect((await a.admin.request('DELETE', '/api/channels/100000000000078')).status).to.equal(204);
    expect((await claim(b, { phoneNumberId: '100000000000079', wabaId: WABA })).status).to.equal(409);
    expect((await a.admin.request('DELETE', `/api/channels/${PNID}`)).status).to.equal(204);
    expect((await claim(b, { phoneNumberId: '100000000000079', wabaId: WABA })).status).to.equal(201);
    expect((await t.engine.services.channels.byWabaId(WABA))?.tenantId).to.equal(b.id);
  });
});

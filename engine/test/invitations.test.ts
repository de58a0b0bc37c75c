import { expect } from 'chai';
import type { CreatedInvitationView, InvitationPreview, SessionView } from '@parley/common';
import { ApiClient, tokenOf } from './support/api-client.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { onboardTenant, PASSWORD, type TenantFixture } from './support/fixtures.js';

describe('Invitations', () => {
  let t: TestEngine;
  let shop: TenantFixture;

  before(async () => {
    t = await startTestEngine();
    shop = await onboardTenant(t, 'shop');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  async function invite(email: string, roles: string[]) {
    const result = await shop.admin.post<CreatedInvitationView>('/api/invitations', { email, roles });
    expect(result.status).to.equal(201);
    return result.body;
  }

  it('shows what the link grants, then signs the new member in with the chosen roles', async () => {
    const { link } = await invite('new@shop.test', ['sales_agent', 'marketer']);
    const preview = await new ApiClient(t.url).get<InvitationPreview>(`/api/public/invitations/${tokenOf(link)}`);
    expect(preview.body).to.deep.include({ email: 'new@shop.test', tenantName: 'Tenant shop', existingAccount: false });
    const client = new ApiClient(t.url);
    const accepted = await client.post<SessionView>(`/api/public/invitations/${tokenOf(link)}/accept`, { name: 'New Person', password: PASSWORD });
    expect(accepted.body.tenant?.roles).to.deep.equal(['sales_agent', 'marketer']);
    expect((await client.get('/api/auth/me')).status).to.equal(200);
  });

  it('can be used once only, even by two accepts racing', async () => {
    const { link } = await invite('racer@shop.test', ['care_agent']);
    const accept = () => new ApiClient(t.url).post(`/api/public/invitations/${tokenOf(link)}/accept`, { name: 'Racer', password: PASSWORD });
    const results = await Promise.all([accept(), accept(), accept()]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 410, 410]);
    const users = await shop.admin.get<{ email: string }[]>('/api/users');
    expect(users.body.filter((u) => u.email === 'racer@shop.test')).to.have.length(1);
  });

  it('expires', async () => {
    const { link, invitation } = await invite('late@shop.test', ['care_agent']);
    await t.engine.db.platform.collection('invitations').updateOne({ email: 'late@shop.test' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const result = await new ApiClient(t.url).post<{ error: { code: string } }>(`/api/public/invitations/${tokenOf(link)}/accept`, { name: 'Late', password: PASSWORD });
    expect(result.status).to.equal(410);
    expect(result.body.error.code).to.equal('INVITATION_INVALID');
    const list = await shop.admin.get<{ id: string; status: string }[]>('/api/invitations');
    expect(list.body.find((i) => i.id === invitation.id)?.status).to.equal('expired');
  });

  it('stops working once revoked', async () => {
    const { link, invitation } = await invite('revoked@shop.test', ['marketer']);
    const revoked = await shop.admin.post<{ status: string }>(`/api/invitations/${invitation.id}/revoke`);
    expect(revoked.body.status).to.equal('revoked');
    expect((await new ApiClient(t.url).get(`/api/public/invitations/${tokenOf(link)}`)).status).to.equal(410);
  });

  it('adds a membership to an existing account only with that account’s password', async () => {
    const other = await onboardTenant(t, 'other-shop');
    const created = await other.admin.post<CreatedInvitationView>('/api/invitations', { email: shop.adminEmail, roles: ['manager'] });
    const token = tokenOf(created.body.link);
    const preview = await new ApiClient(t.url).get<InvitationPreview>(`/api/public/invitations/${token}`);
    expect(preview.body.existingAccount).to.equal(true);
    const wrong = await new ApiClient(t.url).post(`/api/public/invitations/${token}/accept`, { name: 'x', password: 'not-the-password' });
    expect(wrong.status).to.equal(401);
    const client = new ApiClient(t.url);
    const right = await client.post<SessionView>(`/api/public/invitations/${token}/accept`, { name: 'x', password: PASSWORD });
    expect(right.status).to.equal(200);
    expect(right.body.memberships.map((m) => m.tenantSlug).sort()).to.deep.equal(['other-shop', 'shop']);
    const switched = await client.post<SessionView>('/api/auth/switch-tenant', { tenantId: right.body.memberships.find((m) => m.tenantSlug === 'shop')?.tenantId });
    expect(switched.body.tenant?.slug).to.equal('shop');
    expect(switched.body.tenant?.roles).to.deep.equal(['tenant_admin']);
  });

  it('refuses to invite someone who is already a member', async () => {
    const result = await shop.admin.post<{ error: { code: string } }>('/api/invitations', { email: shop.adminEmail, roles: ['manager'] });
    expect(result.status).to.equal(409);
  });

  it('writes invitations to the tenant audit log', async () => {
    const audit = await shop.admin.get<{ action: string }[]>('/api/audit');
    expect(audit.body.map((e) => e.action)).to.include.members(['invitation.created', 'invitation.accepted', 'invitation.revoked', 'tenant.created']);
  });
});

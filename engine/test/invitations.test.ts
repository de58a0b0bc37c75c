import { expect } from 'chai';
import type { CreatedInvitationView, InvitationPreview, SessionView } from '@parley/common';
import { ApiClient, tokenOf } from './support/api-client.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { onboardTenant, PASSWORD, type TenantFixture } from './support/fixtures.js';

describe('Invitations', () => {
  let t: TestEngine;
  let shop: TenantFixture;

  before(async () => {
    t = await startTestEngine({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
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
    expect(preview.body).to.deep.include({ email: 'new@shop.test', tenantName: 'Tenant shop' });
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
    const wrong = await new ApiClient(t.url).post(`/api/public/invitations/${token}/accept`, { account: 'existing', password: 'not-the-password' });
    expect(wrong.status).to.equal(401);
    const client = new ApiClient(t.url);
    const right = await client.post<SessionView>(`/api/public/invitations/${token}/accept`, { account: 'existing', password: PASSWORD });
    expect(right.status).to.equal(200);
    expect(right.body.memberships.map((m) => m.tenantSlug).sort()).to.deep.equal(['other-shop', 'shop']);
    const switched = await client.post<SessionView>('/api/auth/switch-tenant', { tenantId: right.body.memberships.find((m) => m.tenantSlug === 'shop')?.tenantId });
    expect(switched.body.tenant?.slug).to.equal('shop');
    expect(switched.body.tenant?.roles).to.deep.equal(['tenant_admin']);
  });

  it('tells neither the inviter nor the link whether the email already has an account', async () => {
    const other = await onboardTenant(t, 'oracle-shop');
    const forExisting = await invite(other.adminEmail, ['manager']);
    const forNew = await invite('nobody-yet@shop.test', ['manager']);
    expect(Object.keys(forExisting).sort()).to.deep.equal(Object.keys(forNew).sort());
    expect(forExisting.link.replace(/[^/]+$/, '')).to.equal(forNew.link.replace(/[^/]+$/, ''));
    const previews = await Promise.all([forExisting, forNew].map(({ link }) => new ApiClient(t.url).get<InvitationPreview>(`/api/public/invitations/${tokenOf(link)}`)));
    expect(previews.map((preview) => Object.keys(preview.body).sort())).to.deep.equal([
      ['email', 'expiresAt', 'roles', 'tenantName'],
      ['email', 'expiresAt', 'roles', 'tenantName'],
    ]);
    const guesses = await Promise.all(
      [forExisting, forNew].map(({ link }) => new ApiClient(t.url).post<{ error: { code: string; message: string } }>(`/api/public/invitations/${tokenOf(link)}/accept`, { account: 'existing', password: 'a-wrong-guess-1' })),
    );
    expect(guesses.map((guess) => [guess.status, guess.body.error.code, guess.body.error.message])).to.deep.equal([
      [401, 'INVALID_CREDENTIALS', 'No Parley account opens with this email and password.'],
      [401, 'INVALID_CREDENTIALS', 'No Parley account opens with this email and password.'],
    ]);
  });

  it('guards an existing account’s password like sign-in: failures count toward its lockout and are audited', async () => {
    const victim = await onboardTenant(t, 'victim-shop');
    const { link } = await invite(victim.adminEmail, ['care_agent']);
    const accept = (password: string) => new ApiClient(t.url).post<{ error: { code: string } }>(`/api/public/invitations/${tokenOf(link)}/accept`, { account: 'existing', password });
    for (const guess of ['guess-number-1', 'guess-number-2', 'guess-number-3']) expect((await accept(guess)).status).to.equal(401);
    const right = await accept(PASSWORD);
    expect(right.status).to.equal(429);
    expect(right.body.error.code).to.equal('RATE_LIMITED');
    const login = await new ApiClient(t.url).post('/api/auth/login', { email: victim.adminEmail, password: PASSWORD });
    expect(login.status).to.equal(429);
    const inviterAudit = await shop.admin.get<{ action: string; ip: string | null }[]>('/api/audit?action=invitation.accept_failed');
    expect(inviterAudit.body.filter((entry) => entry.ip !== null).length).to.be.at.least(3);
    const victimAudit = await victim.admin.get<{ action: string }[]>('/api/audit?action=auth.login_failed');
    expect(victimAudit.body.length).to.be.at.least(3);
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

import { expect } from 'chai';
import type { SessionView } from '@parley/common';
import { ApiClient } from './support/api-client.js';
import { tokenMailedTo } from './support/mail.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { addMember, onboardTenant, platformAdminClient, PASSWORD, type TenantFixture } from './support/fixtures.js';

type ErrorResult = { error: { code: string; details?: { retryAfterSeconds?: number } } };

describe('Accounts and sessions', () => {
  let t: TestEngine;
  let acme: TenantFixture;

  before(async () => {
    t = await startTestEngine({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '8', LOGIN_BLOCK_SECONDS: '120', TRUST_PROXY: 'loopback' });
    acme = await onboardTenant(t, 'acme');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('signs in with an httpOnly SameSite cookie and answers /me with the tenant and its rules', async () => {
    const client = new ApiClient(t.url);
    const result = await client.post<SessionView>('/api/auth/login', { email: acme.adminEmail, password: PASSWORD });
    expect(result.status).to.equal(200);
    const cookie = result.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/parley_sid=/).and.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    const me = await client.get<SessionView>('/api/auth/me');
    expect(me.body.tenant?.slug).to.equal('acme');
    expect(me.body.tenant?.roles).to.deep.equal(['tenant_admin']);
    expect(me.body.rules.length).to.be.greaterThan(0);
  });

  it('ends the session on logout', async () => {
    const client = new ApiClient(t.url);
    await client.login(acme.adminEmail, PASSWORD);
    const cookie = client.sessionCookie;
    expect((await client.post('/api/auth/logout')).status).to.equal(204);
    const replay = await fetch(`${t.url}/api/auth/me`, { headers: { cookie: cookie ?? '' } });
    expect(replay.status).to.equal(401);
  });

  it('writes a failed login to the platform and tenant audit logs', async () => {
    const client = new ApiClient(t.url, { 'x-forwarded-for': '10.0.0.1' });
    const result = await client.post<ErrorResult>('/api/auth/login', { email: acme.adminEmail, password: 'wrong-password' });
    expect(result.status).to.equal(401);
    expect(result.body.error.code).to.equal('INVALID_CREDENTIALS');
    const audit = await acme.admin.get<{ action: string; actor: { email: string } }[]>('/api/audit?action=auth.login_failed');
    expect(audit.body.some((entry) => entry.actor.email === acme.adminEmail)).to.equal(true);
    const platform = await platformAdminClient(t);
    const platformAudit = await platform.get<{ action: string }[]>('/api/admin/audit?action=auth.login_failed');
    expect(platformAudit.body.length).to.be.greaterThan(0);
  });

  it('blocks an account after repeated failures with 429 and a retry time, even with the right password', async () => {
    const { client } = await addMember(t, acme, 'target@acme.test', ['care_agent']);
    await client.post('/api/auth/logout');
    let last: { status: number; body: ErrorResult; headers: Headers } | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      last = await client.post<ErrorResult>('/api/auth/login', { email: 'target@acme.test', password: 'guess-' + attempt });
    }
    expect(last?.status).to.equal(429);
    expect(last?.body.error.code).to.equal('RATE_LIMITED');
    expect(Number(last?.headers.get('retry-after'))).to.be.within(1, 120);
    const right = await client.post<ErrorResult>('/api/auth/login', { email: 'target@acme.test', password: PASSWORD });
    expect(right.status).to.equal(429);
  });

  it('blocks an IP that fails across many accounts', async () => {
    const client = new ApiClient(t.url, { 'x-forwarded-for': '10.0.0.77' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      statuses.push((await client.post('/api/auth/login', { email: `nobody${attempt}@x.test`, password: 'whatever-password' })).status);
    }
    expect(statuses.slice(0, 8).every((status) => status === 401)).to.equal(true);
    expect(statuses.at(-1)).to.equal(429);
  });

  it('resets a password through a single-use token and ends the old sessions', async () => {
    const { client } = await addMember(t, acme, 'forgetful@acme.test', ['sales_agent']);
    const oldCookie = client.sessionCookie ?? '';
    const anonymous = new ApiClient(t.url, { 'x-forwarded-for': '10.0.0.9' });
    expect((await anonymous.post('/api/auth/password-reset', { email: 'forgetful@acme.test' })).status).to.equal(202);
    expect((await anonymous.post('/api/auth/password-reset', { email: 'unknown@acme.test' })).status).to.equal(202);
    const token = await tokenMailedTo(t, 'forgetful@acme.test', 'password_reset');
    const confirm = await anonymous.post('/api/auth/password-reset/confirm', { token, password: 'a-brand-new-password' });
    expect(confirm.status).to.equal(204);
    const again = await anonymous.post<ErrorResult>('/api/auth/password-reset/confirm', { token, password: 'yet-another-password' });
    expect(again.status).to.equal(410);
    expect(again.body.error.code).to.equal('RESET_TOKEN_INVALID');
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie: oldCookie } })).status).to.equal(401);
    await anonymous.login('forgetful@acme.test', 'a-brand-new-password');
  });

  it('keeps the outbox unable to open an account: a reset link is stored sealed, never in clear', async () => {
    await addMember(t, acme, 'sealed@acme.test', ['care_agent']);
    await new ApiClient(t.url).post('/api/auth/password-reset', { email: 'sealed@acme.test' });
    const token = await tokenMailedTo(t, 'sealed@acme.test', 'password_reset');
    const stored = await t.engine.db.platform.collection('mail_outbox').find({ to: 'sealed@acme.test' }).toArray();
    expect(stored.map((doc) => doc.kind).sort()).to.deep.equal(['invitation', 'password_reset']);
    expect(JSON.stringify(stored)).not.to.contain(token).and.not.to.contain('reset-password').and.not.to.contain('/invite/');
  });

  it('stops a deactivated member at once and refuses their next sign-in', async () => {
    const { client, userId } = await addMember(t, acme, 'leaver@acme.test', ['marketer']);
    const result = await acme.admin.post<{ status: string }>(`/api/users/${userId}/deactivate`);
    expect(result.body.status).to.equal('deactivated');
    expect((await client.get('/api/auth/me')).status).to.equal(401);
    const login = await new ApiClient(t.url).post<ErrorResult>('/api/auth/login', { email: 'leaver@acme.test', password: PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.error.code).to.equal('ACCOUNT_DEACTIVATED');
    await acme.admin.post(`/api/users/${userId}/reactivate`);
    await new ApiClient(t.url).login('leaver@acme.test', PASSWORD);
  });

  it("records role changes with before and after, and never removes the tenant's last admin", async () => {
    const { userId } = await addMember(t, acme, 'promoted@acme.test', ['care_agent']);
    const changed = await acme.admin.patch<{ roles: string[] }>(`/api/users/${userId}/roles`, { roles: ['manager', 'care_agent'] });
    expect(changed.body.roles).to.deep.equal(['manager', 'care_agent']);
    const audit = await acme.admin.get<{ action: string; before: unknown; after: unknown }[]>('/api/audit?action=user.roles_changed');
    expect(audit.body[0]).to.deep.include({ before: { roles: ['care_agent'] }, after: { roles: ['manager', 'care_agent'] } });
    const me = await acme.admin.get<SessionView>('/api/auth/me');
    const demote = await acme.admin.patch<ErrorResult>(`/api/users/${me.body.user.id}/roles`, { roles: ['manager'] });
    expect(demote.status).to.equal(409);
  });

  it('denies user management to a care agent with 403', async () => {
    const { client } = await addMember(t, acme, 'agent@acme.test', ['care_agent']);
    const users = await client.get<ErrorResult>('/api/users');
    expect(users.status).to.equal(403);
    expect(users.body.error.code).to.equal('FORBIDDEN');
    expect((await client.post('/api/invitations', { email: 'x@acme.test', roles: ['tenant_admin'] })).status).to.equal(403);
    expect((await client.get('/api/admin/tenants')).status).to.equal(403);
  });

  it("suspends a tenant: its users' sessions end and they cannot sign in until reactivated", async () => {
    const other = await onboardTenant(t, 'soon-suspended');
    const platform = await platformAdminClient(t);
    const suspended = await platform.post<{ status: string }>(`/api/admin/tenants/${other.id}/suspend`, { reason: 'unpaid invoices' });
    expect(suspended.body.status).to.equal('suspended');
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the per-process tenant cache lives 2 s
    expect((await other.admin.get('/api/users')).status).to.equal(401);
    const login = await new ApiClient(t.url).post<ErrorResult>('/api/auth/login', { email: other.adminEmail, password: PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.error.code).to.equal('TENANT_SUSPENDED');
    await platform.post(`/api/admin/tenants/${other.id}/reactivate`);
    await new ApiClient(t.url).login(other.adminEmail, PASSWORD);
    const audit = await platform.get<{ action: string }[]>('/api/admin/audit');
    expect(audit.body.map((entry) => entry.action)).to.include.members(['tenant.created', 'tenant.suspended', 'tenant.reactivated']);
  });

  it('refuses a duplicate tenant slug with 409 naming the field, and creates nothing', async () => {
    const platform = await platformAdminClient(t);
    const before = (await platform.get<unknown[]>('/api/admin/tenants')).body.length;
    const result = await platform.post<{ error: { code: string; details: { fields: { field: string }[] } } }>('/api/admin/tenants', { name: 'Acme again', slug: 'acme', plan: 'trial', adminEmail: 'x@acme2.test' });
    expect(result.status).to.equal(409);
    expect(result.body.error.details.fields[0]?.field).to.equal('body.slug');
    expect((await platform.get<unknown[]>('/api/admin/tenants')).body.length).to.equal(before);
  });
});

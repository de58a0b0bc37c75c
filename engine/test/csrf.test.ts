import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { SessionView } from '@parley/common';
import { ConfigError } from '../src/config/config.js';
import { ApiClient } from './support/api-client.js';
import { dropTestData, startTestEngine, testConfig, type TestEngine } from './support/harness.js';
import { onboardTenant, PASSWORD, type TenantFixture } from './support/fixtures.js';

type ErrorResult = { error: { code: string } };

async function post(t: TestEngine, path: string, headers: Record<string, string>, body: unknown = {}) {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json().catch(() => null)) as ErrorResult | null };
}

describe('Cross-site request forgery and the session cookie', () => {
  let t: TestEngine;
  let acme: TenantFixture;

  before(async () => {
    t = await startTestEngine({ ALLOWED_ORIGINS: 'https://app.parley.example' });
    acme = await onboardTenant(t, 'forgery');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('refuses a state-changing request from a page of another site with 403 ORIGIN_REJECTED, and changes nothing', async () => {
    const cookie = acme.admin.sessionCookie ?? '';
    const forged = await post(t, '/api/invitations', { cookie, origin: 'https://evil.example' }, { email: 'planted@forgery.test', roles: ['tenant_admin'] });
    expect(forged.status).to.equal(403);
    expect(forged.body?.error.code).to.equal('ORIGIN_REJECTED');
    const invitations = await acme.admin.get<{ email: string }[]>('/api/invitations');
    expect(invitations.body.map((invitation) => invitation.email)).not.to.include('planted@forgery.test');
  });

  it('refuses a state-changing request that names no page at all (no Origin, no Referer)', async () => {
    const bare = await post(t, '/api/auth/logout', { cookie: acme.admin.sessionCookie ?? '' });
    expect(bare.status).to.equal(403);
    expect(bare.body?.error.code).to.equal('ORIGIN_REJECTED');
    const opaque = await post(t, '/api/auth/login', { origin: 'null' }, { email: acme.adminEmail, password: PASSWORD });
    expect(opaque.status).to.equal(403);
    expect((await acme.admin.get('/api/auth/me')).status).to.equal(200);
  });

  it("accepts the engine's own pages (by Origin or, without it, by Referer) and the configured origins", async () => {
    const own = await post(t, '/api/auth/login', { origin: t.url }, { email: acme.adminEmail, password: PASSWORD });
    const referred = await post(t, '/api/auth/login', { referer: `${t.url}/login?next=/inbox` }, { email: acme.adminEmail, password: PASSWORD });
    const configured = await post(t, '/api/auth/login', { origin: 'https://app.parley.example' }, { email: acme.adminEmail, password: PASSWORD });
    expect([own.status, referred.status, configured.status]).to.deep.equal([200, 200, 200]);
  });

  it('lets reads and the signed webhook through without an Origin', async () => {
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie: acme.admin.sessionCookie ?? '' } })).status).to.equal(200);
    const webhook = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(webhook.status).not.to.equal(403);
  });

  it('ends, on a password reset, a session its user index no longer lists', async () => {
    const client = new ApiClient(t.url);
    await client.login(acme.adminEmail, PASSWORD);
    const me = await client.get<SessionView>('/api/auth/me');
    // As if the index had expired or been lost before the session did.
    const redis = new Redis(t.engine.config.redisUrl, { keyPrefix: `${t.engine.config.dbPrefix}:` });
    await redis.del(`user-sessions:${me.body.user.id}`, `user-sess:${me.body.user.id}`);
    redis.disconnect();
    expect((await new ApiClient(t.url).post('/api/auth/password-reset', { email: acme.adminEmail })).status).to.equal(202);
    const mail = await waitForMail(t, acme.adminEmail);
    const token = /reset-password\/(\S+)/.exec(mail)?.[1] ?? '';
    expect((await new ApiClient(t.url).post('/api/auth/password-reset/confirm', { token, password: 'a-brand-new-password' })).status).to.equal(204);
    expect((await client.get('/api/auth/me')).status).to.equal(401);
  });
});

describe('The session cookie over https, and its absolute lifetime', () => {
  let t: TestEngine;

  before(async () => {
    t = await startTestEngine({ COOKIE_SECURE: 'true', SESSION_ABSOLUTE_TTL_SECONDS: '3' });
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('is __Host- prefixed, Secure, for Path=/ and without Domain, and only that name opens a session', async () => {
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ email: t.platformAdmin.email, password: t.platformAdmin.password }),
    });
    expect(login.status).to.equal(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/^__Host-parley_sid=/).and.match(/;\s*Secure/i).and.match(/;\s*Path=\/(;|$)/i).and.match(/HttpOnly/i);
    expect(cookie).not.to.match(/Domain=/i);
    const pair = cookie.split(';')[0] ?? '';
    const me = (header: string) => fetch(`${t.url}/api/auth/me`, { headers: { cookie: header } }).then((r) => r.status);
    expect(await me(pair)).to.equal(200);
    // A cookie planted without the prefix (by a sibling subdomain or a plain-http page) opens nothing.
    expect(await me(pair.replace('__Host-', ''))).to.equal(401);
  });

  it('ends a session used constantly once SESSION_ABSOLUTE_TTL_SECONDS have passed', async () => {
    const client = new ApiClient(t.url);
    await client.login(t.platformAdmin.email, t.platformAdmin.password);
    const statuses: number[] = [];
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      statuses.push((await client.get('/api/auth/me')).status);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(statuses[0]).to.equal(200);
    expect(statuses.at(-1)).to.equal(401);
    expect(statuses.indexOf(401)).to.be.greaterThan(0);
  });
});

async function waitForMail(t: TestEngine, to: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const mail = await t.engine.services.mailer.latestTo(to, 'password_reset');
    if (mail) return mail.text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no reset mail reached ${to}`);
}

describe('ALLOWED_ORIGINS', () => {
  it('keeps PUBLIC_URL first and reads each entry as the origin a browser would send', () => {
    const config = testConfig({ PUBLIC_URL: 'https://parley.example/', ALLOWED_ORIGINS: ' https://App.Parley.example/inbox , http://localhost:5173 ' });
    expect(config.allowedOrigins).to.deep.equal(['https://parley.example', 'https://app.parley.example', 'http://localhost:5173']);
  });

  it('refuses an entry that is not an origin, naming the variable', () => {
    expect(() => testConfig({ ALLOWED_ORIGINS: 'parley.example' })).to.throw(ConfigError, /ALLOWED_ORIGINS/);
  });
});

import { expect } from 'chai';
import type { Express } from 'express';
import { accessOf, type RegisteredRoute } from '../src/platform/http/route.js';
import { startTestEngine, dropTestData, type TestEngine } from './support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from './support/fixtures.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle: { stack?: Layer[] };
}

function walk(stack: Layer[], found: { path: string; guarded: boolean }[] = []) {
  for (const layer of stack) {
    if (layer.route) {
      found.push({ path: layer.route.path, guarded: layer.route.stack.some((entry) => accessOf(entry.handle) !== undefined) });
    } else if (layer.handle.stack) {
      walk(layer.handle.stack, found);
    }
  }
  return found;
}

function stackOf(app: Express): Layer[] {
  return (app as unknown as { router: { stack: Layer[] } }).router.stack;
}

describe('HTTP routes', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'tenant-a');
    b = await onboardTenant(t, 'tenant-b');
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  it('puts an authorisation guard on every route of the Express router', () => {
    const routes = walk(stackOf(t.engine.app));
    expect(routes.length).to.be.greaterThan(15);
    const open = routes.filter((r) => !r.guarded).map((r) => r.path);
    expect(open, `routes without authorisation: ${open.join(', ')}`).to.deep.equal([]);
  });

  it('refuses every non-public route to an anonymous caller with 401', async () => {
    for (const route of t.engine.routes.filter((r) => r.access.kind !== 'public')) {
      const response = await fetch(`${t.url}${fill(route.path, '0123456789abcdef01234567')}`, {
        method: route.method.toUpperCase(),
        headers: { 'content-type': 'application/json', origin: t.url },
        body: route.method === 'get' ? undefined : JSON.stringify(route.sample?.body ?? {}),
      });
      expect(response.status, `${route.method} ${route.path}`).to.equal(401);
    }
  });

  it("answers 404 to tenant B for every tenant-scoped route given tenant A's ids, and changes nothing", async () => {
    const member = await addMember(t, a, 'victim@tenant-a.test', ['care_agent']);
    const invitation = await a.admin.post<{ invitation: { id: string } }>('/api/invitations', { email: 'pending@tenant-a.test', roles: ['marketer'] });
    const conversation = await t.engine.db.tenant(a.id).collection('conversations').insertOne({ customerId: '0123456789abcdef01234567', phoneNumberId: '100000000000001', state: 'queued', queue: 'care', assigneeId: null, lastInboundAt: new Date(), unread: 0, rev: 0, createdAt: new Date() });
    const idsOfA = [member.userId, invitation.body.invitation.id, a.id, String(conversation.insertedId)];
    const before = await snapshotOfA();

    const scoped = t.engine.routes.filter((r): r is RegisteredRoute => r.access.kind === 'tenant' && r.path.includes(':id'));
    expect(scoped.length).to.be.greaterThan(3);
    for (const route of scoped) {
      for (const id of idsOfA) {
        const result = await b.admin.request(route.method.toUpperCase(), fill(route.path, id), route.method === 'get' ? undefined : (route.sample?.body ?? {}));
        expect(result.status, `${route.method} ${route.path} with ${id}`).to.equal(404);
        expect(JSON.stringify(result.body)).not.to.contain('tenant-a');
      }
    }
    expect(await snapshotOfA()).to.deep.equal(before);

    async function snapshotOfA() {
      const [users, invitations, conversations] = await Promise.all([a.admin.get('/api/users'), a.admin.get('/api/invitations'), a.admin.get('/api/conversations')]);
      return { users: users.body, invitations: invitations.body, conversations: conversations.body };
    }
  });

  it("lists only the session tenant's users, invitations and audit entries", async () => {
    const users = await b.admin.get<{ email: string }[]>('/api/users');
    expect(users.body.map((u) => u.email)).to.deep.equal(['admin@tenant-b.test']);
    const invitations = await b.admin.get<{ email: string }[]>('/api/invitations');
    expect(invitations.body.every((i) => i.email.endsWith('tenant-b.test'))).to.equal(true);
    const audit = await b.admin.get<{ target: { label: string | null } }[]>('/api/audit');
    expect(JSON.stringify(audit.body)).not.to.contain('tenant-a.test');
  });

  describe('bad input', () => {
    it('names every field at fault with 400 VALIDATION_FAILED', async () => {
      const result = await a.admin.post<{ error: { code: string; details: { fields: { field: string }[] } } }>('/api/invitations', { email: 'not-an-email', roles: ['wizard'], extra: 1 });
      expect(result.status).to.equal(400);
      expect(result.body.error.code).to.equal('VALIDATION_FAILED');
      const fields = result.body.error.details.fields.map((f) => f.field);
      expect(fields).to.include.members(['body.email', 'body.roles.0', 'body']);
    });

    it('rejects malformed JSON with 400 MALFORMED_JSON and writes nothing', async () => {
      const before = (await a.admin.get<unknown[]>('/api/invitations')).body.length;
      const result = await a.admin.request<{ error: { code: string } }>('POST', '/api/invitations', '{"email": ');
      expect(result.status).to.equal(400);
      expect(result.body.error.code).to.equal('MALFORMED_JSON');
      expect((await a.admin.get<unknown[]>('/api/invitations')).body.length).to.equal(before);
    });

    it('rejects an oversized body with 413', async () => {
      const result = await a.admin.post<{ error: { code: string } }>('/api/invitations', { email: 'x@y.test', roles: ['marketer'], padding: 'x'.repeat(300_000) });
      expect(result.status).to.equal(413);
      expect(result.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('rejects a malformed id and unknown query keys with 400, an unknown route with 404', async () => {
      expect((await a.admin.patch('/api/users/not-an-id/roles', { roles: ['manager'] })).status).to.equal(400);
      expect((await a.admin.get('/api/users?sneaky=1')).status).to.equal(400);
      const unknown = await a.admin.get<{ error: { code: string } }>('/api/nothing-here');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('NOT_FOUND');
    });

    it('answers a path parameter with a malformed percent escape with 400, not 500', async () => {
      for (const path of ['/api/users/%ZZ/roles', '/api/public/invitations/%E0%A4%A']) {
        const result = await a.admin.request<{ error: { code: string; details: { fields: { field: string }[] } } }>(path.includes('roles') ? 'PATCH' : 'GET', path, path.includes('roles') ? { roles: ['manager'] } : undefined);
        expect(result.status, path).to.equal(400);
        expect(result.body.error.code).to.equal('VALIDATION_FAILED');
        expect(result.body.error.details.fields.map((f) => f.field)).to.deep.equal(['params']);
      }
    });

    it('answers a non-JSON body with 415', async () => {
      const response = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: t.url }, body: 'email=a' });
      expect(response.status).to.equal(415);
    });

    it('sends security headers and a request id', async () => {
      const response = await fetch(`${t.url}/healthz`);
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('content-security-policy')).to.contain("default-src 'self'");
      expect(response.headers.get('x-request-id')).to.match(/^[\w-]+$/);
    });

    it('reports readiness of the database and Redis', async () => {
      const response = await fetch(`${t.url}/readyz`);
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { checks: { name: string; ok: boolean }[] };
      expect(body.checks.map((c) => c.name)).to.deep.equal(['database', 'redis']);
    });
  });
});

function fill(path: string, id: string): string {
  return path
    .replace(/:id\b/g, id)
    .replace(/:token\b/g, 'x'.repeat(43))
    .replace(/:kind\b/g, 'services')
    .replace(/:phoneNumberId\b/g, '100000000000001');
}

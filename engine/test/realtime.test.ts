import { expect } from 'chai';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, TenantUserView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { addMember, onboardTenant, PASSWORD, type TenantFixture } from './support/fixtures.js';
import { ApiClient, tokenOf } from './support/api-client.js';
import { spawnEngine } from './support/engine-process.js';
import { eventually } from './support/whatsapp.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket as a page of `origin` (the engine's own unless told) opens it in a browser. */
function connect(url: string, cookie: string | null, origin = url): ClientSocket {
  return io(url, { transports: ['websocket'], extraHeaders: { origin, ...(cookie ? { cookie } : {}) }, reconnection: false, forceNew: true });
}

function disconnectedBy(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

describe('Real-time across engine processes', () => {
  let t: TestEngine;
  let other: Awaited<ReturnType<typeof spawnEngine>>;
  let tenant: TenantFixture;
  const sockets: ClientSocket[] = [];

  before(async () => {
    t = await startTestEngine();
    other = await spawnEngine({
      MONGODB_URI: t.engine.config.mongodbUri,
      REDIS_URL: t.engine.config.redisUrl,
      DB_PREFIX: t.engine.config.dbPrefix,
      SOCKET_SESSION_SWEEP_SECONDS: '1',
      ALLOWED_ORIGINS: 'https://app.parley.example',
    });
    tenant = await onboardTenant(t, 'live');
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await other.stop();
    await dropTestData(t.engine);
    await t.close();
  });

  it('refuses a socket without a session cookie', async () => {
    const socket = connect(other.url, null);
    sockets.push(socket);
    const error = await connected(socket).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.equal('UNAUTHENTICATED');
  });

  it('delivers an event raised on one process to a client connected to the other', async () => {
    const agent = await addMember(t, tenant, 'agent@live.test', ['care_agent']);
    const watcher = connect(other.url, tenant.admin.sessionCookie);
    sockets.push(watcher);
    await connected(watcher);
    const received = new Promise<TenantUserView>((resolve) => watcher.on('user:updated', resolve));
    // The role change is made through the in-process engine; the watcher is on the child process.
    const changed = await tenant.admin.patch(`/api/users/${agent.userId}/roles`, { roles: ['care_agent', 'sales_agent'] });
    expect(changed.status).to.equal(200);
    const event = await received;
    expect(event.id).to.equal(agent.userId);
    expect(event.roles).to.deep.equal(['care_agent', 'sales_agent']);
  });

  it('authorises socket events: an agent sets presence, a marketer is refused', async () => {
    const agent = await addMember(t, tenant, 'present@live.test', ['care_agent']);
    const marketer = await addMember(t, tenant, 'marketer@live.test', ['marketer']);
    const watcher = connect(t.url, tenant.admin.sessionCookie);
    const agentSocket = connect(other.url, agent.client.sessionCookie);
    const marketerSocket = connect(other.url, marketer.client.sessionCookie);
    sockets.push(watcher, agentSocket, marketerSocket);
    await Promise.all([connected(watcher), connected(agentSocket), connected(marketerSocket)]);

    const changed = new Promise<{ userId: string; status: string }>((resolve) => watcher.on('presence:changed', resolve));
    const ack = await agentSocket.emitWithAck('presence:set', 'online');
    expect(ack).to.deep.equal({ ok: true });
    expect(await changed).to.deep.equal({ userId: agent.userId, status: 'online' });

    const denied = await marketerSocket.emitWithAck('presence:set', 'online');
    expect(denied).to.deep.include({ ok: false });
  });

  it('tells a deactivated user their session ended and disconnects them on every process', async () => {
    const leaver = await addMember(t, tenant, 'leaver@live.test', ['sales_agent']);
    const socket = connect(other.url, leaver.client.sessionCookie);
    sockets.push(socket);
    await connected(socket);
    const ended = new Promise<{ code: string }>((resolve) => socket.on('session:ended', resolve));
    const disconnected = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    await tenant.admin.post(`/api/users/${leaver.userId}/deactivate`);
    expect(await ended).to.deep.equal({ code: 'DEACTIVATED' });
    await disconnected;
  });

  it('refuses a socket opened by a page of another site, even with a valid session cookie', async () => {
    const foreign = connect(other.url, tenant.admin.sessionCookie, 'https://evil.example');
    const missing = io(other.url, { transports: ['websocket'], extraHeaders: { cookie: tenant.admin.sessionCookie ?? '' }, reconnection: false, forceNew: true });
    sockets.push(foreign, missing);
    const refusal = (socket: ClientSocket) => connected(socket).then(() => null, (e: Error) => e.message);
    expect(await refusal(foreign)).to.equal('ORIGIN_REJECTED');
    expect(await refusal(missing)).to.equal('ORIGIN_REJECTED');
  });

  it('accepts a socket from an origin named in ALLOWED_ORIGINS', async () => {
    const socket = connect(other.url, tenant.admin.sessionCookie, 'https://app.parley.example');
    sockets.push(socket);
    await connected(socket);
  });

  it('drops the sockets of a user whose roles change, so they reconnect with the rights they have now', async () => {
    const member = await addMember(t, tenant, 'promoted@live.test', ['care_agent']);
    const socket = connect(other.url, member.client.sessionCookie);
    sockets.push(socket);
    await connected(socket);
    expect(await socket.emitWithAck('presence:set', 'online')).to.deep.equal({ ok: true });
    const dropped = disconnectedBy(socket);
    expect((await tenant.admin.patch(`/api/users/${member.userId}/roles`, { roles: ['marketer'] })).status).to.equal(200);
    expect(await dropped).to.equal('io server disconnect');
    const again = connect(other.url, member.client.sessionCookie);
    sockets.push(again);
    await connected(again);
    expect(await again.emitWithAck('presence:set', 'online')).to.deep.include({ ok: false });
  });

  it('ends the sockets of a session that signs out, and only of that session', async () => {
    const member = await addMember(t, tenant, 'two-tabs@live.test', ['care_agent']);
    const elsewhere = new ApiClient(t.url);
    await elsewhere.login('two-tabs@live.test', PASSWORD);
    const leaving = connect(other.url, member.client.sessionCookie);
    const staying = connect(other.url, elsewhere.sessionCookie);
    sockets.push(leaving, staying);
    await Promise.all([connected(leaving), connected(staying)]);
    const ended = new Promise<{ code: string }>((resolve) => leaving.on('session:ended', resolve));
    const dropped = disconnectedBy(leaving);
    expect((await member.client.post('/api/auth/logout')).status).to.equal(204);
    expect(await ended).to.deep.equal({ code: 'LOGGED_OUT' });
    await dropped;
    expect(await staying.emitWithAck('presence:set', 'online')).to.deep.equal({ ok: true });
  });

  it("ends every socket of a user whose password is reset, on every process", async () => {
    const member = await addMember(t, tenant, 'reset@live.test', ['sales_agent']);
    const here = connect(t.url, member.client.sessionCookie);
    const there = connect(other.url, member.client.sessionCookie);
    sockets.push(here, there);
    await Promise.all([connected(here), connected(there)]);
    const dropped = Promise.all([disconnectedBy(here), disconnectedBy(there)]);
    const anonymous = new ApiClient(t.url);
    await anonymous.post('/api/auth/password-reset', { email: 'reset@live.test' });
    // The reset mail may be written after the request is answered.
    const mail = await eventually(() => t.engine.services.mailer.latestTo('reset@live.test', 'password_reset'), 'the reset mail');
    const token = tokenOf(/\S+\/reset-password\/\S+/.exec(mail?.text ?? '')?.[0] ?? '');
    expect((await anonymous.post('/api/auth/password-reset/confirm', { token, password: 'a-brand-new-password' })).status).to.equal(204);
    expect(await dropped).to.deep.equal(['io server disconnect', 'io server disconnect']);
  });

  describe('when a session ends without a word to its sockets (expired, or a message lost)', () => {
    let redis: Redis;
    before(() => {
      redis = new Redis(t.engine.config.redisUrl, { keyPrefix: `${t.engine.config.dbPrefix}:` });
    });
    after(() => redis.disconnect());

    async function silentlyEnd(cookie: string | null): Promise<void> {
      const token = decodeURIComponent((cookie ?? '').split('=')[1] ?? '');
      const session = await t.engine.services.auth.resolve(token);
      expect(await redis.del(`sess:${session?.sessionId ?? ''}`)).to.equal(1);
    }

    it("refuses the socket's next event and drops it", async () => {
      const member = await addMember(t, tenant, 'silent@live.test', ['care_agent']);
      // On the in-process engine, whose sweep runs only once a minute: the event check must catch it.
      const socket = connect(t.url, member.client.sessionCookie);
      sockets.push(socket);
      await connected(socket);
      expect(await socket.emitWithAck('presence:set', 'online')).to.deep.equal({ ok: true });
      await silentlyEnd(member.client.sessionCookie);
      await new Promise((resolve) => setTimeout(resolve, 2100)); // a checked session is trusted for 2 s
      const dropped = disconnectedBy(socket);
      const refused = await socket.emitWithAck('presence:set', 'away');
      expect(refused).to.deep.include({ ok: false });
      expect(refused).to.have.nested.property('error.code', 'UNAUTHENTICATED');
      await dropped;
    });

    it('drops a socket that only listens, at the next sweep', async () => {
      const member = await addMember(t, tenant, 'listener@live.test', ['care_agent']);
      const socket = connect(other.url, member.client.sessionCookie);
      sockets.push(socket);
      await connected(socket);
      const dropped = disconnectedBy(socket);
      await silentlyEnd(member.client.sessionCookie);
      expect(await dropped).to.equal('io server disconnect');
    });
  });
});

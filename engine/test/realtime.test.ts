import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, TenantUserView } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from './support/fixtures.js';
import { spawnEngine } from './support/engine-process.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(url: string, cookie: string | null): ClientSocket {
  return io(url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false, forceNew: true });
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
});

import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { SessionStore, type SessionData, type SessionLifetimes, type SessionSockets } from '../src/platform/auth/sessions.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records what the store asked the socket server to close. */
function recordingSockets(): SessionSockets & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    endSession: (sessionId, code) => void calls.push(`session ${sessionId} ${code}`),
    endUserSessions: (userId, code) => void calls.push(`user ${userId} ${code}`),
    reconnectUser: (userId) => void calls.push(`reconnect ${userId}`),
  };
}

function sessionOf(userId: string): SessionData {
  return { userId, tenantId: null, createdAt: new Date().toISOString(), ip: '127.0.0.1' };
}

/** Uses a session every `everyMs` for `forMs`, as a busy person (or a thief) would; the last answer. */
async function keepUsing(store: SessionStore, token: string, forMs: number, everyMs = 400): Promise<boolean> {
  const until = Date.now() + forMs;
  let alive = true;
  while (Date.now() < until) {
    alive = (await store.get(token)) !== null;
    await sleep(everyMs);
  }
  return alive;
}

describe(SessionStore.name, () => {
  let redis: Redis;
  const stores: SessionStore[] = [];
  const prefix = `sess${randomBytes(4).toString('hex')}`;

  function storeWith(lifetimes: SessionLifetimes, sockets = recordingSockets()): SessionStore {
    const store = new SessionStore(redis, lifetimes, sockets);
    stores.push(store);
    return store;
  }

  before(() => {
    const url = process.env.REDIS_URL;
    if (!url) throw new Error('REDIS_URL must be set: run the tests with npm test');
    redis = new Redis(url, { keyPrefix: `${prefix}:` });
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length + 1)));
    redis.disconnect();
  });

  it('revokes, on a password reset, a session kept alive past the idle lifetime it started with', async () => {
    // Before, the per-user index expired after one idle lifetime while use kept sliding the session.
    const store = storeWith({ idleSeconds: 1, absoluteSeconds: 60 });
    const token = await store.create(sessionOf('busy-user'));
    expect(await keepUsing(store, token, 2500)).to.equal(true);
    await store.destroyAllForUser('busy-user');
    expect(await store.get(token)).to.equal(null);
  });

  it('keeps the index of a user at least as long as the longest session it lists', async () => {
    const store = storeWith({ idleSeconds: 2, absoluteSeconds: 600 });
    const token = await store.create(sessionOf('indexed-user'));
    const session = await store.get(token);
    const sessionTtl = await redis.ttl(`sess:${session?.id ?? ''}`);
    const indexTtl = await redis.ttl('user-sessions:indexed-user');
    expect(sessionTtl).to.be.within(1, 2);
    expect(indexTtl).to.be.at.least(599);
  });

  it('ends a session used constantly once its absolute lifetime has passed', async () => {
    const store = storeWith({ idleSeconds: 3600, absoluteSeconds: 2 });
    const token = await store.create(sessionOf('constant-user'));
    expect(await keepUsing(store, token, 1200)).to.equal(true);
    expect(await keepUsing(store, token, 1400)).to.equal(false);
    expect(await store.get(token)).to.equal(null);
  });

  it('never lets the stored session outlive its absolute end, even when used just before it', async () => {
    const store = storeWith({ idleSeconds: 3600, absoluteSeconds: 3 });
    const token = await store.create(sessionOf('late-user'));
    await sleep(1100);
    const session = await store.get(token);
    expect(await redis.ttl(`sess:${session?.id ?? ''}`)).to.be.within(1, 2);
  });

  it('closes the sockets of what it revokes: one session on logout, every session on reset', async () => {
    const sockets = recordingSockets();
    const store = storeWith({ idleSeconds: 60, absoluteSeconds: 60 }, sockets);
    const token = await store.create(sessionOf('leaving-user'));
    const session = await store.get(token);
    await store.destroy(session?.id ?? '', 'leaving-user');
    await store.destroyAllForUser('leaving-user', 'DEACTIVATED');
    store.rightsChanged('leaving-user');
    expect(sockets.calls).to.deep.equal([`session ${session?.id ?? ''} LOGGED_OUT`, 'user leaving-user DEACTIVATED', 'reconnect leaving-user']);
  });

  it('revokes the sessions listed by the index of earlier versions too', async () => {
    const store = storeWith({ idleSeconds: 60, absoluteSeconds: 60 });
    const token = await store.create(sessionOf('upgraded-user'));
    const id = (await store.get(token))?.id ?? '';
    // As an earlier version listed it: a plain set, and nothing in the new index.
    await redis.multi().del('user-sessions:upgraded-user').sadd('user-sess:upgraded-user', id).exec();
    await store.destroyAllForUser('upgraded-user');
    expect(await store.get(token)).to.equal(null);
  });

  it('refuses a stored session that is not a session (damaged or written by hand)', async () => {
    const store = storeWith({ idleSeconds: 60, absoluteSeconds: 60 });
    const token = await store.create(sessionOf('damaged-user'));
    const id = (await store.get(token))?.id ?? '';
    await redis.set(`sess:${id}`, '{"userId": 42');
    expect(await store.get(token)).to.equal(null);
  });
});

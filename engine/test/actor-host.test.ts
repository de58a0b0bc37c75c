import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { assign, emit, setup } from 'xstate';
import { Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger/logger.js';
import { ActorHost } from '../src/platform/actors/actor-host.js';

const counter = setup({
  types: { context: {} as { count: number }, events: {} as { type: 'ADD'; by: number }, emitted: {} as { type: 'count.changed'; count: number } },
}).createMachine({
  context: { count: 0 },
  on: {
    ADD: {
      actions: [assign({ count: ({ context, event }) => context.count + event.by }), emit(({ context, event }) => ({ type: 'count.changed' as const, count: context.count + event.by }))],
    },
  },
});

describe(ActorHost.name, () => {
  let db: Database;
  const tenantId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const logger = createLogger('silent');
  const hosts: ActorHost<typeof counter>[] = [];

  function host(version = 1, migrate?: Record<number, (s: unknown) => unknown>) {
    const created = new ActorHost(db, { kind: 'counter', machine: counter, version, ...(migrate ? { migrate } : {}) }, logger);
    hosts.push(created);
    return created;
  }

  before(async () => {
    const { MONGODB_URI } = process.env;
    if (!MONGODB_URI) throw new Error('MONGODB_URI must be set: run the tests with npm test');
    db = await Database.connect(MONGODB_URI, `actors${randomBytes(3).toString('hex')}`);
    host();
    await db.provisionTenant(tenantId);
  });
  after(async () => {
    await db.dropTenant(tenantId);
    await db.close();
  });

  it('commits each transition as revision n+1 and runs its effects with deterministic ids', async () => {
    const h = host();
    const seen: string[] = [];
    h.onEffect('count.changed', async ({ effectId }) => void seen.push(effectId));
    const first = await h.send(tenantId, 'c1', { type: 'ADD', by: 2 }, 'e1');
    const second = await h.send(tenantId, 'c1', { type: 'ADD', by: 3 }, 'e2');
    expect([first.rev, second.rev]).to.deep.equal([1, 2]);
    expect(second.snapshot.context.count).to.equal(5);
    expect(seen).to.deep.equal(['c1:1:0', 'c1:2:0']);
  });

  it('applies the same event once, whoever delivers it and however often', async () => {
    const h = host();
    const results = await Promise.all([1, 2, 3].map(() => h.send(tenantId, 'c2', { type: 'ADD', by: 1 }, 'same-fact')));
    expect(results.filter((r) => !r.duplicate)).to.have.length(1);
    expect((await h.snapshot(tenantId, 'c2'))?.snapshot.context.count).to.equal(1);
  });

  it('lets two hosts (two processes) write concurrently without losing an event', async () => {
    const a = host();
    const b = host();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).send(tenantId, 'c3', { type: 'ADD', by: 1 }, `concurrent-${i}`)));
    const fresh = host();
    const state = await fresh.snapshot(tenantId, 'c3');
    expect(state?.rev).to.equal(10);
    expect(state?.snapshot.context.count).to.equal(10);
  });

  it('re-runs effects a crash left undone when the sweeper passes', async () => {
    const crashing = host();
    crashing.onEffect('count.changed', async () => {
      throw new Error('process died here');
    });
    await crashing.send(tenantId, 'c4', { type: 'ADD', by: 1 }, 'before-crash').catch(() => undefined);
    const recovered = host();
    const ran: string[] = [];
    recovered.onEffect('count.changed', async ({ effectId }) => void ran.push(effectId));
    expect(await recovered.sweep(tenantId, 0)).to.be.at.least(1);
    expect(ran).to.include('c4:1:0');
    ran.length = 0;
    await recovered.sweep(tenantId, 0);
    expect(ran).to.deep.equal([]);
  });

  it('refuses a snapshot of an unknown machine version, and migrates a known one', async () => {
    await host(1).send(tenantId, 'c5', { type: 'ADD', by: 4 }, 'v1');
    await host(2).send(tenantId, 'c5', { type: 'ADD', by: 1 }, 'v2-without-migration').then(
      () => expect.fail('expected a refusal'),
      (error: Error) => expect(error.message).to.match(/cannot be migrated/),
    );
    const migrated = host(2, { 1: (snapshot) => snapshot });
    const result = await migrated.send(tenantId, 'c5', { type: 'ADD', by: 1 }, 'v2-with-migration');
    expect(result.snapshot.context.count).to.equal(5);
  });
});

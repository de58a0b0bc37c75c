import { expect } from 'chai';
import type { LookupRow } from '@parley/common';
import { Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger/logger.js';
import type { RealtimeEmitter } from '../../src/platform/realtime/emitter.js';
import { AuditService } from '../../src/domains/audit/index.js';
import { BotService } from '../../src/domains/bot/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';

const quiet: RealtimeEmitter = {
  toUser: () => undefined,
  toRooms: () => undefined,
  endUserSessions: () => undefined,
  endTenantSessions: () => undefined,
  hasListeners: () => Promise.resolve(false),
};
const actor = { id: 'test', email: 'test@refresh.test', ip: null };
const MONDAY_NOON = new Date('2025-06-02T12:00:00Z');

/**
 * Each BotService here has its own database client and its own Redis connections, like the bot
 * of another engine process: they share only the database server and Redis with the engine.
 */
describe('Bot refresh across engine processes', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  const processes: { db: Database; bot: BotService }[] = [];

  async function anotherProcess(): Promise<BotService> {
    const db = await Database.connect(t.engine.config.mongodbUri, t.engine.config.dbPrefix);
    const bot = new BotService(db, t.engine.config, new AuditService(db), quiet, createLogger('silent'));
    processes.push({ db, bot });
    await bot.sync();
    return bot;
  }

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'refresh');
  });
  after(async () => {
    for (const { db, bot } of processes) {
      await bot.close();
      await db.close();
    }
    await dropTestData(t.engine);
    await t.close();
  });

  const ask = (bot: BotService, text: string) => bot.classify(tenant.id, { text, at: MONDAY_NOON });

  it('matches, on its next message, a row another process added through the API', async () => {
    const other = await anotherProcess();
    expect((await ask(other, 'my internet is down')).kind).to.equal('unknown');
    const created = await tenant.admin.post<LookupRow>('/api/lookups/issues', { name: 'Internet outage', synonyms: ['internet down'], queue: 'care' });
    expect(created.status).to.equal(201);
    await other.sync();
    const decision = await ask(other, 'my interent is donw');
    expect(decision.kind === 'match' && decision.lookup).to.deep.include({ id: created.body.id, kind: 'issues', queue: 'care' });
  });

  it('keeps its compiled tables until told: a row written behind its back waits for the next announced change', async () => {
    const [first, second] = [await anotherProcess(), await anotherProcess()];
    expect((await ask(second, 'fibra')).kind).to.equal('unknown');
    const now = new Date();
    await t.engine.db.tenant(tenant.id).collection('lookups').insertOne({ kind: 'products', name: 'Fibre 500', nameKey: 'fibre 500', synonyms: ['fibra'], description: '', reply: '', price: 30, queue: 'sales', active: true, createdAt: now, updatedAt: now });
    expect((await ask(second, 'fibra')).kind).to.equal('unknown');

    await first.lookups.create(tenant.id, 'services', { name: 'Opening hours', synonyms: ['horario'], description: '', reply: '8–20', price: null, queue: null, active: true }, actor);
    await second.sync();
    expect((await ask(second, 'fibra')).kind).to.equal('match');
    expect((await ask(second, 'horario')).kind).to.equal('match');
  });

  it('forgets a deleted or deactivated row everywhere, in matching and in the menu', async () => {
    const [first, second] = [await anotherProcess(), await anotherProcess()];
    const row = await first.lookups.create(tenant.id, 'services', { name: 'Gift cards', synonyms: ['voucher'], description: '', reply: '', price: null, queue: null, active: true }, actor);
    await second.sync();
    expect((await ask(second, 'voucher')).kind).to.equal('match');
    expect(JSON.stringify(await second.menu(tenant.id))).to.contain(`lookup:${row.id}`);

    await first.lookups.update(tenant.id, 'services', row.id, { active: false }, actor);
    await second.sync();
    expect((await ask(second, 'voucher')).kind).to.equal('unknown');
    expect(JSON.stringify(await second.menu(tenant.id))).to.not.contain(`lookup:${row.id}`);
    expect((await second.classify(tenant.id, { replyId: `lookup:${row.id}`, at: MONDAY_NOON })).kind).to.equal('unknown');
  });

  it('applies new settings everywhere: greeting, opt-out words and opening hours', async () => {
    const [first, second] = [await anotherProcess(), await anotherProcess()];
    expect((await ask(second, 'chega')).kind).to.equal('unknown');
    const settings = await first.botSettings.get(tenant.id);
    await first.botSettings.replace(tenant.id, { ...settings, greeting: 'Bem-vindo!', optOutWords: ['chega'], hours: [] }, actor);
    await second.sync();
    expect(await ask(second, 'Chega!')).to.deep.equal({ kind: 'optOut', outOfHours: true });
    expect((await ask(second, 'stop')).kind).to.equal('optOut');
    expect((await second.menu(tenant.id)).body.text).to.equal('Bem-vindo!');
    expect((await second.settings(tenant.id)).greeting).to.equal('Bem-vindo!');
  });
});

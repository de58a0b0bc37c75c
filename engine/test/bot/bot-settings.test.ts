import { expect } from 'chai';
import type { AuditEntryView, BotSettings } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';

type ErrorReply = { error: { code: string; details?: { fields?: { field: string }[] } } };
const fieldsOf = (body: unknown) => ((body as ErrorReply).error.details?.fields ?? []).map((f) => f.field);

describe('Bot settings API', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;
  let care: ApiClient;
  let marketer: ApiClient;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'settings-a');
    b = await onboardTenant(t, 'settings-b');
    care = (await addMember(t, a, 'care@settings-a.test', ['care_agent'])).client;
    marketer = (await addMember(t, a, 'marketer@settings-a.test', ['marketer'])).client;
  });
  after(async () => {
    await dropTestData(t.engine);
    await t.close();
  });

  const put = (client: ApiClient, body: unknown) => client.request<BotSettings>('PUT', '/api/bot/settings', body);

  it('answers sensible defaults before anything is saved', async () => {
    const settings = await a.admin.get<BotSettings>('/api/bot/settings');
    expect(settings.status).to.equal(200);
    expect(settings.body.timezone).to.equal('UTC');
    expect(settings.body.hours).to.deep.equal([
      { day: 1, open: '08:00', close: '20:00' },
      { day: 2, open: '08:00', close: '20:00' },
      { day: 3, open: '08:00', close: '20:00' },
      { day: 4, open: '08:00', close: '20:00' },
      { day: 5, open: '08:00', close: '20:00' },
      { day: 6, open: '09:00', close: '13:00' },
    ]);
    expect(settings.body.optOutWords).to.include.members(['stop', 'unsubscribe', 'opt out', 'parar promoções', 'arrêter']);
    expect(settings.body.optInWords).to.include.members(['start', 'começar']);
    for (const text of ['greeting', 'clarify', 'handoff', 'outOfHoursReply', 'optOutConfirmation', 'optInConfirmation'] as const) {
      expect(settings.body[text], text).to.be.a('string').and.not.equal('');
    }
  });

  it('saves settings for this tenant only, and audits the change with before and after', async () => {
    const current = (await a.admin.get<BotSettings>('/api/bot/settings')).body;
    const next: BotSettings = { ...current, greeting: 'Olá! Como podemos ajudar?', timezone: 'America/Sao_Paulo', optOutWords: [...current.optOutWords, 'chega'] };
    const saved = await put(a.admin, next);
    expect(saved.status).to.equal(200);
    expect(saved.body).to.deep.equal(next);
    expect((await a.admin.get<BotSettings>('/api/bot/settings')).body).to.deep.equal(next);
    expect((await b.admin.get<BotSettings>('/api/bot/settings')).body.timezone).to.equal('UTC');
    const audit = await a.admin.get<AuditEntryView[]>('/api/audit?action=bot.settings_changed');
    expect(audit.body[0]?.before).to.deep.include({ timezone: 'UTC' });
    expect(audit.body[0]?.after).to.deep.include({ timezone: 'America/Sao_Paulo', greeting: 'Olá! Como podemos ajudar?' });
  });

  it('refuses an unknown time zone with 400 naming body.timezone', async () => {
    const current = (await a.admin.get<BotSettings>('/api/bot/settings')).body;
    const bad = await put(a.admin, { ...current, timezone: 'Mars/Olympus_Mons' });
    expect(bad.status).to.equal(400);
    expect(fieldsOf(bad.body)).to.deep.equal(['body.timezone']);
  });

  it('names every other invalid field: hours, keywords, missing texts', async () => {
    const current = (await a.admin.get<BotSettings>('/api/bot/settings')).body;
    const { greeting: _greeting, ...withoutGreeting } = current;
    const bad = await put(a.admin, { ...withoutGreeting, hours: [{ day: 8, open: '25:00', close: '10:00' }], optOutWords: ['!!!'] });
    expect(bad.status).to.equal(400);
    expect(fieldsOf(bad.body)).to.include.members(['body.greeting', 'body.hours.0.day', 'body.hours.0.open']);
  });

  it('refuses a keyword made only of symbols, which could never match', async () => {
    const current = (await a.admin.get<BotSettings>('/api/bot/settings')).body;
    const bad = await put(a.admin, { ...current, optInWords: ['go', '✋✋'] });
    expect(fieldsOf(bad.body)).to.deep.equal(['body.optInWords.1']);
  });

  it('lets a care agent read the settings but not change them; a marketer neither', async () => {
    const current = await care.get<BotSettings>('/api/bot/settings');
    expect(current.status).to.equal(200);
    expect((await put(care, current.body)).status).to.equal(403);
    expect((await marketer.get('/api/bot/settings')).status).to.equal(403);
  });
});

import { expect } from 'chai';
import type { LookupRow } from '@parley/common';
import { classifyWith, compileBot } from './classifier.js';
import { DEFAULT_BOT_SETTINGS } from './bot.defaults.js';
import { buildMenu } from './menu.js';

function row(id: string, kind: LookupRow['kind'], name: string, extra: Partial<LookupRow> = {}): LookupRow {
  return { id, kind, name, synonyms: [], description: '', reply: '', price: null, queue: null, active: true, updatedAt: '2025-01-01T00:00:00.000Z', ...extra };
}

const ROWS = [
  row('a1', 'issues', 'Internet outage', { synonyms: ['internet down', 'sin internet'], queue: 'care', reply: 'Sorry about that!' }),
  row('b2', 'products', 'Fibre 500', { synonyms: ['fibra'], price: 29.9, queue: 'sales', description: '500 Mb/s' }),
  row('c3', 'services', 'Opening hours', { synonyms: ['horario', 'when are you open'], reply: 'Mon–Fri 8–20' }),
];
const MONDAY_NOON = new Date('2025-06-02T12:00:00Z');
const SUNDAY_NOON = new Date('2025-06-08T12:00:00Z');

describe('Bot classification', () => {
  const bot = compileBot(DEFAULT_BOT_SETTINGS, ROWS);
  const classify = (input: { text?: string; buttonText?: string; replyId?: string }, at = MONDAY_NOON) => classifyWith(bot, { ...input, at });

  it('matches free text to a row and returns what the conversation needs of it', () => {
    expect(classify({ text: 'my internet is down' })).to.deep.equal({
      outOfHours: false,
      kind: 'match',
      lookup: { id: 'a1', kind: 'issues', name: 'Internet outage', reply: 'Sorry about that!', description: '', price: null, queue: 'care' },
      score: 0.975,
    });
  });

  it('resolves a tapped menu row by its id, without reading any text', () => {
    const decision = classify({ replyId: 'lookup:b2', text: 'stop' });
    expect(decision).to.deep.include({ kind: 'match', score: 1 });
    expect(decision.kind === 'match' && decision.lookup.price).to.equal(29.9);
    expect(classify({ replyId: 'human' }).kind).to.equal('human');
    expect(classify({ replyId: 'menu' }).kind).to.equal('greeting');
    expect(classify({ replyId: 'lookup:gone' }).kind).to.equal('unknown');
  });

  it('puts consent commands first, then a request for a person, then greetings', () => {
    expect(classify({ text: 'STOP' }).kind).to.equal('optOut');
    expect(classify({ text: 'start' }).kind).to.equal('optIn');
    expect(classify({ text: 'talk to a person' }).kind).to.equal('human');
    expect(classify({ text: 'Hola!' }).kind).to.equal('greeting');
  });

  it('answers a greeting followed by a known request with the match, and by an unknown one with the menu', () => {
    expect(classify({ text: 'hi, my internet is down' }).kind).to.equal('match');
    expect(classify({ text: 'hello, I have a question' }).kind).to.equal('greeting');
    expect(classify({ text: 'I have a question' }).kind).to.equal('unknown');
  });

  it('opts out from the "Stop promotions" button, and reads other buttons as text', () => {
    expect(classify({ buttonText: 'Stop promotions' }).kind).to.equal('optOut');
    expect(classify({ buttonText: 'Parar promoções' }).kind).to.equal('optOut');
    expect(classify({ buttonText: 'Fibra' }).kind).to.equal('match');
  });

  it('says whether the message came out of hours, whatever it asks', () => {
    expect(classify({ text: 'horario' }, SUNDAY_NOON)).to.deep.include({ kind: 'match', outOfHours: true });
    expect(classify({ text: 'stop' }, SUNDAY_NOON)).to.deep.equal({ kind: 'optOut', outOfHours: true });
  });

  it('still greets and hands off when the tenant has no rows', () => {
    const empty = compileBot(DEFAULT_BOT_SETTINGS, []);
    expect(classifyWith(empty, { text: 'hi', at: MONDAY_NOON }).kind).to.equal('greeting');
    expect(classifyWith(empty, { text: 'my internet is down', at: MONDAY_NOON }).kind).to.equal('unknown');
    expect(classifyWith(empty, { replyId: 'human', at: MONDAY_NOON }).kind).to.equal('human');
    expect(empty.menu.action.sections).to.deep.equal([{ title: 'Other', rows: [{ id: 'human', title: 'Talk to a person', description: 'A member of our team will reply' }] }]);
  });
});

describe('Bot menu', () => {
  it('groups rows by table in a list message whose body is the greeting', () => {
    const menu = buildMenu('Welcome!', ROWS);
    expect(menu.type).to.equal('list');
    expect(menu.body.text).to.equal('Welcome!');
    expect(menu.action.sections.map((s) => s.title)).to.deep.equal(['Services', 'Products', 'Issues', 'Other']);
    expect(menu.action.sections[1]?.rows).to.deep.equal([{ id: 'lookup:b2', title: 'Fibre 500', description: '500 Mb/s' }]);
  });

  it('keeps to WhatsApp limits: 10 rows in all with "Talk to a person", the first rows by name', () => {
    const many = Array.from({ length: 25 }, (_, i) => row(`r${i}`, i % 2 ? 'products' : 'services', `Item ${String(i).padStart(2, '0')}`, { description: 'x'.repeat(72) }));
    const menu = buildMenu('g'.repeat(5000), many);
    const rows = menu.action.sections.flatMap((s) => s.rows);
    expect(rows).to.have.length(10);
    expect(rows.at(-1)?.id).to.equal('human');
    expect(rows.slice(0, -1).map((r) => r.title).sort()).to.deep.equal(Array.from({ length: 9 }, (_, i) => `Item 0${i}`));
    expect(menu.body.text.length).to.be.at.most(4096);
    expect(menu.action.button.length).to.be.at.most(20);
    for (const r of rows) {
      expect(r.title.length).to.be.at.most(24);
      expect((r.description ?? '').length).to.be.at.most(72);
    }
    for (const s of menu.action.sections) expect(s.title.length).to.be.at.most(24);
  });
});

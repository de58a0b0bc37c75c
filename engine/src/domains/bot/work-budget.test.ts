import { expect } from 'chai';
import fc from 'fast-check';
import type { LookupRow } from '@parley/common';
import { DEFAULT_BOT_SETTINGS } from './bot.defaults.js';
import { classifyWith, compileBot, type ClassifyInput } from './classifier.js';
import { DeletionIndex, deletions, variantBound } from './fuzzy.js';
import { LookupMatcher } from './matcher.js';
import { lookupIdOf } from './menu.js';
import { contentTokens, normalize } from './text.js';
import { MAX_DISTANCE_CHECKS, MAX_PHRASE_STEPS, MAX_TEXT_LENGTH, MAX_VARIANT_LOOKUPS, MAX_WORDS, WorkBudget } from './work-budget.js';

function row(id: string, name: string, synonyms: string[]): LookupRow {
  return { id, kind: 'issues', name, synonyms, description: '', reply: '', price: null, queue: 'care', active: true, updatedAt: '2025-01-01T00:00:00.000Z' };
}

const ROWS = [
  row('outage', 'Internet outage', ['internet down', 'sin internet', 'conexión lenta', 'sem internet']),
  row('router', 'Router replacement', ['new router', 'router broken', 'roteador']),
  row('billing', 'Billing question', ['invoice', 'factura', 'fatura']),
  row('install', 'Installation', ['instalación', 'instalação', 'appointment rescheduling']),
];
const AT = new Date('2025-06-02T12:00:00Z');
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Letters from a fixed seed, so every run reads the same words. */
function randomLetters(length: number, seed = 1): string {
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return LETTERS[state % 26] ?? 'a';
  }).join('');
}
const fill = (unit: string) => unit.repeat(Math.ceil(MAX_TEXT_LENGTH / unit.length)).slice(0, MAX_TEXT_LENGTH);

function expectWithinBounds(budget: WorkBudget): void {
  expect(budget.words).to.be.at.most(MAX_WORDS);
  expect(budget.variantLookups).to.be.at.most(MAX_VARIANT_LOOKUPS);
  expect(budget.distanceChecks).to.be.at.most(MAX_DISTANCE_CHECKS);
  expect(budget.phraseSteps).to.be.at.most(MAX_PHRASE_STEPS);
}

describe(WorkBudget.name, () => {
  const bot = compileBot(DEFAULT_BOT_SETTINGS, ROWS);
  const classify = (input: Omit<ClassifyInput, 'at'>, budget = new WorkBudget()) => classifyWith(bot, { ...input, at: AT }, budget);

  describe('typo tolerance', () => {
    it('looks up no deletions of a 2,400-letter word, which no vocabulary word is within reach of', () => {
      const words = ['internet', 'router', 'invoice'];
      const index = new DeletionIndex();
      words.forEach((word, id) => index.add(word, id));
      const budget = new WorkBudget();
      expect(index.closest(randomLetters(2400), (id) => words[id] ?? '', budget)).to.deep.equal({ ids: [], distance: 0 });
      expect(budget.variantLookups).to.equal(0);
    });

    it('decides a message that is one 2,400-letter word without a single lookup', () => {
      const budget = new WorkBudget();
      expect(classify({ text: randomLetters(2400) }, budget).kind).to.equal('unknown');
      expect(budget.variantLookups).to.equal(0);
      expect(budget.distanceChecks).to.equal(0);
    });

    it('stops looking up typos when the message has spent its budget, and still reads the first ones', () => {
      const budget = new WorkBudget();
      const unknownWords = Array.from({ length: 400 }, (_, i) => randomLetters(10, i + 1)).join(' ');
      const decision = classify({ text: `my interent is donw ${unknownWords}`.slice(0, MAX_TEXT_LENGTH) }, budget);
      expect(decision.kind === 'match' && decision.lookup.id).to.equal('outage');
      expect(budget.variantLookups).to.be.above(MAX_VARIANT_LOOKUPS / 2);
      expectWithinBounds(budget);
    });

    it('measures no more distances once the message has spent its checks', () => {
      const words = ['internet', 'intranet'];
      const index = new DeletionIndex();
      words.forEach((word, id) => index.add(word, id));
      const spent = Object.assign(new WorkBudget(), { distanceChecks: MAX_DISTANCE_CHECKS });
      expect(index.closest('interent', (id) => words[id] ?? '', spent).ids).to.deep.equal([]);
      expect(spent.distanceChecks).to.equal(MAX_DISTANCE_CHECKS);
      expect(index.closest('interent', (id) => words[id] ?? '', new WorkBudget()).ids).to.deep.equal([0]);
    });

    it('walks no more phrases once the message has spent its steps', () => {
      const matcher = LookupMatcher.compile(ROWS);
      const spent = Object.assign(new WorkBudget(), { phraseSteps: MAX_PHRASE_STEPS });
      expect(matcher.match('my internet is down', spent)).to.equal(null);
      expect(matcher.match('my internet is down')?.id).to.equal('outage');
    });

    it('counts what a word can cost before looking it up', () => {
      expect(variantBound(10, 2)).to.equal(56);
      expect(variantBound(20, 2)).to.equal(211);
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: 2 }), (word, edits) => {
          expect(deletions(word, edits).size).to.be.at.most(variantBound(word.length, edits));
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('what is read of a message', () => {
    it('reads no more than 4,096 characters, even of text that NFKC expands eighteenfold', () => {
      expect(normalize('a'.repeat(10_000))).to.have.length(MAX_TEXT_LENGTH);
      expect(normalize('ﷺ'.repeat(MAX_TEXT_LENGTH)).length).to.be.at.most(MAX_TEXT_LENGTH);
    });

    it('reads a word repeated throughout a message once', () => {
      const budget = new WorkBudget();
      classify({ text: fill('interent ') }, budget);
      expect(budget.variantLookups).to.equal(deletions('interent', 2).size);
    });

    it(`considers the first ${MAX_WORDS} words that can carry a topic`, () => {
      const words = Array.from({ length: 1000 }, (_, i) => `w${i}`);
      expect(contentTokens(words.join(' '))).to.deep.equal(words.slice(0, MAX_WORDS));
      const budget = new WorkBudget();
      LookupMatcher.compile(ROWS).match(words.join(' '), budget);
      expect(budget.words).to.equal(MAX_WORDS);
    });

    it('takes a reply id longer than any WhatsApp row id for none of ours', () => {
      expect(lookupIdOf('lookup:outage')).to.equal('outage');
      expect(lookupIdOf(`lookup:${'x'.repeat(MAX_TEXT_LENGTH)}`)).to.equal(null);
      expect(classify({ replyId: `lookup:outage${' '.repeat(300)}` }).kind).to.equal('unknown');
    });

    it('still opts out on a STOP surrounded by thousands of spaces and marks', () => {
      expect(classify({ text: `${' '.repeat(2000)}STOP${'!'.repeat(2000)}` }).kind).to.equal('optOut');
      expect(classify({ text: fill('stop ') }).kind).to.equal('unknown');
    });
  });

  describe('any message of up to 4,096 characters', () => {
    const vocabularyish = fc.constantFrom('internet', 'interent', 'donw', 'down', 'router', 'ruoter', 'invoise', 'stop', 'hi', 'agent', 'conexion', 'lenta', 'ﷺ', '👨‍👩‍👧‍👦', 'e\u0301', '\u202e');
    const message = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: MAX_TEXT_LENGTH, size: 'max' }),
      fc.string({ unit: 'binary', maxLength: MAX_TEXT_LENGTH, size: 'max' }),
      fc.array(vocabularyish, { maxLength: 1200, size: 'max' }).map((words) => words.join(' ').slice(0, MAX_TEXT_LENGTH)),
      // Distinct words of letters within reach of the vocabulary: what runs the budget out.
      fc.array(fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 4, maxLength: 14 }), { maxLength: 400, size: 'max' }).map((words) => words.join(' ')),
    );

    it('is decided without throwing, the same way every time, within the work bound', () => {
      fc.assert(
        fc.property(message, fc.constantFrom('text', 'buttonText', 'replyId'), (text, field) => {
          const budget = new WorkBudget();
          const decision = classify({ [field]: text }, budget);
          expect(classify({ [field]: text })).to.deep.equal(decision);
          expectWithinBounds(budget);
        }),
        { numRuns: 200 },
      );
    });
  });
});

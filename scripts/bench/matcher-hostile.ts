import type { LookupRow } from '@parley/common';
import { normalize } from '../../engine/src/domains/bot/text.js';

/**
 * Messages of 4,096 characters (a WhatsApp text's limit) built to cost the bot as much as
 * possible, for the matcher benchmark: each kind is what one hostile or unlucky customer can send.
 */

const LENGTH = 4096;
const PER_CASE = 200;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const COMBINING = ['\u0301', '\u0308', '\u0327', '\u0303', '\u20dd', '\u0489'];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🇵🇹', '❤️', '🏳️‍🌈'];
const RTL = ['مرحبا', 'שלום', 'إنترنت', '\u202e', '\u200f', 'ﷺ'];

type Random = () => number;

const fill = (next: () => string): string => {
  let text = '';
  while (text.length < LENGTH) text += next();
  return text.slice(0, LENGTH);
};
const letter = (random: Random) => LETTERS[Math.floor(random() * LETTERS.length)] ?? 'a';
const pickOf = <T>(items: readonly T[], random: Random): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/** A typo two edits away from a vocabulary word: the most lookups and distance checks a word costs. */
function nearMiss(word: string, random: Random): string {
  const at = Math.floor(random() * Math.max(word.length - 1, 1));
  const swapped = word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
  return `${swapped}${letter(random)}`;
}

function vocabulary(rows: readonly LookupRow[]): string[] {
  const words = new Set<string>();
  for (const row of rows.slice(0, 2_000)) for (const text of [row.name, ...row.synonyms]) for (const word of normalize(text).split(' ')) if (word.length >= 4 && !/\d/.test(word)) words.add(word);
  return [...words];
}

/** Each case: a label and the messages of that kind. */
export function hostileMessages(rows: readonly LookupRow[], random: Random): [string, string[]][] {
  const words = vocabulary(rows);
  const longest = words.reduce((max, word) => Math.max(max, word.length), 0);
  const many = (make: () => string) => Array.from({ length: PER_CASE }, make);
  return [
    ['one random word of 4,096 letters', many(() => fill(() => letter(random)))],
    ['near-misses of vocabulary words', many(() => fill(() => `${nearMiss(pickOf(words, random), random)} `))],
    [`random words of ${longest + 2} letters (most lookups)`, many(() => fill(() => `${Array.from({ length: longest + 2 }, () => letter(random)).join('')} `))],
    ['Unicode: combining marks, emoji, RTL', many(() => fill(() => (random() < 0.5 ? letter(random) + pickOf(COMBINING, random) : pickOf([...EMOJI, ...RTL, ' '], random))))],
    ['whitespace and punctuation', many(() => fill(() => pickOf([' ', '\n', '\t', '.', '!', '?', '…', '¡', '\u00a0', '\u200b'], random)))],
    ['STOP-like: "stop" over and over', many(() => fill(() => pickOf(['stop ', 'STOP! ', 'st0p ', 'sotp ', 'stop promotions '], random)))],
    ['one-letter words (most words)', many(() => fill(() => `${letter(random)} `))],
  ];
}

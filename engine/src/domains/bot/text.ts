/**
 * Text normalisation shared by the matcher, the keyword rules and the unique key of lookup names,
 * so that what a tenant types in a table and what a customer types in WhatsApp meet in one form.
 */

import { MAX_TEXT_LENGTH, MAX_WORDS } from './work-budget.js';

const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/**
 * The last text normalised and its result. Each rule of the bot (consent, a person, greetings,
 * the matcher) normalises the message it is given; this way one message is normalised once.
 */
let last = { text: '', normalized: '' };

/**
 * NFKC first (full-width letters, ligatures, superscripts become plain), lowercase, then NFD so
 * accents become separate marks that are dropped ("Conexión" → "conexion", "Olá" → "ola"),
 * and every run of punctuation, symbols or spaces becomes one space.
 *
 * Only the first MAX_TEXT_LENGTH characters are read, and NFKC's result is cut to that length
 * again: one character can expand to 18 ("ﷺ"), so a message of them would otherwise grow
 * eighteenfold before any later step sees it.
 */
export function normalize(text: string): string {
  if (text === last.text) return last.normalized;
  const compatible = text.slice(0, MAX_TEXT_LENGTH).normalize('NFKC').slice(0, MAX_TEXT_LENGTH);
  const normalized = compatible.toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').replace(NOT_WORD, ' ').trim();
  last = { text, normalized };
  return normalized;
}

export function tokenize(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * Words that carry no topic in the languages tenants use (English, Spanish, Portuguese, French),
 * already normalised. Negations ("no", "not", "sin", "nao") are kept: "no internet" is a topic.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [
    'a an the my mine is are am was were be been i im me it its to of in on at for and or with this that these those',
    'please pls plz can could would you your we our do does did have has had there here some any just so too very also',
    'el la los las lo un una unos unas de del al mi mis tu tus su sus es son esta estan estoy y e en con por para que',
    'me se le les yo hay muy o os as um uma uns umas do da dos das meu minha meus minhas seu sua em na nas nos com ao',
    'eu estou tem',
    'du des mon ma mes est et je',
  ]
    .join(' ')
    .split(' '),
);

/** The tokens that can say what a message is about: the first MAX_WORDS of them. */
export function contentTokens(normalized: string): string[] {
  return tokenize(normalized)
    .filter((token) => !STOP_WORDS.has(token))
    .slice(0, MAX_WORDS);
}

/** True when `phrase` (normalised) appears in `text` (normalised) as whole words. */
export function containsPhrase(text: string, phrase: string): boolean {
  return phrase !== '' && ` ${text} `.includes(` ${phrase} `);
}

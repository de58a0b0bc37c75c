import { containsPhrase, contentTokens, normalize, STOP_WORDS, tokenize } from './text.js';

/**
 * Whole-message intents that come before any table lookup: consent commands (whatsapp-cloud-api
 * §5: WhatsApp does not intercept STOP, honouring it is ours), greetings and asking for a person.
 */

export const DEFAULT_OPT_OUT_WORDS = [
  'stop', 'unsubscribe', 'cancel', 'end', 'quit', 'opt out', 'optout', 'stop promotions',
  'parar', 'sair', 'cancelar', 'baja', 'parar promoções', 'arrêter',
];
export const DEFAULT_OPT_IN_WORDS = ['start', 'resume', 'unstop', 'subscribe', 'começar', 'reanudar'];

/**
 * Labels of Meta's native "Stop promotions" quick-reply button. Its payload is the label in the
 * customer's language, not an id we chose, so a tap is recognised by the words it contains.
 */
const STOP_PROMOTIONS_LABELS = [
  'stop promotions', 'stop promotion', 'parar promoções', 'parar promoção', 'detener promociones',
  'detener promoción', 'arrêter les promotions', 'promotionen stoppen',
];

const GREETINGS = [
  'hi', 'hii', 'hello', 'helo', 'hey', 'heya', 'hiya', 'hallo', 'howdy', 'good morning', 'good afternoon', 'good evening',
  'morning', 'hola', 'buenas', 'buenos dias', 'buenas tardes', 'buenas noches', 'olá', 'oi', 'oie', 'bom dia', 'boa tarde',
  'boa noite', 'bonjour', 'bonsoir', 'salut', 'menu', 'main menu', 'start over', 'restart', 'inicio', 'volver al inicio',
  'voltar ao inicio', 'help', 'ayuda', 'ajuda',
]
  .map(normalize)
  // Longest first, so "buenas tardes" is read as one greeting and not as "buenas" + "tardes".
  .sort((a, b) => b.length - a.length);

/** Words that may surround a greeting without making it a question ("hi there, good morning!"). */
const GREETING_FILLER = new Set(['there', 'team', 'all', 'everyone', 'again', 'friend', 'amigo', 'amiga', 'tudo', 'bem', 'como', 'vai', 'how', 'u', 'bot', 'que', 'tal']);

/** Single words that are the whole request, and phrases that are one wherever they appear. */
const HUMAN_WORDS = new Set(['human', 'humano', 'person', 'persona', 'pessoa', 'agent', 'agente', 'atendente', 'operator', 'operador', 'representative', 'representante']);
const HUMAN_PHRASES = [
  'talk to a person', 'talk to someone', 'talk to a human', 'talk to an agent', 'speak to a person', 'speak to someone',
  'speak to a human', 'speak to an agent', 'real person', 'falar com atendente', 'falar com uma pessoa', 'atendimento humano',
  'hablar con un agente', 'hablar con una persona', 'hablar con alguien', 'parler à un conseiller',
].map((phrase) => contentTokens(normalize(phrase)).join(' '));

export interface ConsentKeywords {
  optOut: ReadonlySet<string>;
  optIn: ReadonlySet<string>;
  /** Multi-word opt-out phrases and button labels that opt out wherever they appear in a button. */
  buttonPhrases: readonly string[];
}

/** The tenant's words always join the defaults: a tenant may add languages, never drop STOP. */
export function compileConsentKeywords(words: { optOutWords: readonly string[]; optInWords: readonly string[] }): ConsentKeywords {
  const optOut = new Set([...DEFAULT_OPT_OUT_WORDS, ...words.optOutWords].map(normalize).filter(Boolean));
  // A word in both lists opts out: wrongly stopping marketing is the safe mistake.
  const optIn = new Set([...DEFAULT_OPT_IN_WORDS, ...words.optInWords].map(normalize).filter((word) => word && !optOut.has(word)));
  const buttonPhrases = [...new Set([...STOP_PROMOTIONS_LABELS.map(normalize), ...[...optOut].filter((word) => word.includes(' '))])];
  return { optOut, optIn, buttonPhrases };
}

/** Only a message that is nothing but the keyword counts: "please don't stop my internet" is not STOP. */
export function consentCommand(keywords: ConsentKeywords, text: string): 'optOut' | 'optIn' | null {
  const normalized = normalize(text);
  if (keywords.optOut.has(normalized)) return 'optOut';
  if (keywords.optIn.has(normalized)) return 'optIn';
  return null;
}

export function buttonOptsOut(keywords: ConsentKeywords, label: string): boolean {
  const normalized = normalize(label);
  return keywords.optOut.has(normalized) || keywords.buttonPhrases.some((phrase) => containsPhrase(normalized, phrase));
}

/**
 * `only`: the message is a greeting and nothing else; `leading`: it starts with one and goes on
 * (shown the menu only when the rest is not understood).
 */
export function greeting(text: string): 'only' | 'leading' | null {
  let rest = normalize(text);
  let found = false;
  for (let guard = 0; guard < 8; guard++) {
    const phrase = GREETINGS.find((g) => rest === g || rest.startsWith(`${g} `));
    if (!phrase) break;
    found = true;
    rest = tokenize(rest.slice(phrase.length).trim())
      .filter((token) => !STOP_WORDS.has(token) && !GREETING_FILLER.has(token))
      .join(' ');
    if (rest === '') return 'only';
  }
  return found ? 'leading' : null;
}

export function wantsPerson(text: string): boolean {
  const content = contentTokens(normalize(text)).join(' ');
  return HUMAN_WORDS.has(content) || HUMAN_PHRASES.some((phrase) => containsPhrase(content, phrase));
}

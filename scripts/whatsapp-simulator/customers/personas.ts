export type Language = 'en' | 'pt' | 'es';

export interface Persona {
  name: string;
  /** The wa_id WhatsApp reports, which is not always the dialled number (see phone.ts). */
  waId: string;
  phone: string;
  language: Language;
}

/** Demo customers across countries; the Brazilian and Mexican ones carry the wa_id quirks. */
export const PERSONAS: readonly Persona[] = [
  { name: 'Ana Conceição', waId: '551187654321', phone: '+55 11 98765-4321', language: 'pt' },
  { name: 'José Martínez', waId: '34612345678', phone: '+34 612 34 56 78', language: 'es' },
  { name: 'Lucía Hernández', waId: '5215512345678', phone: '+52 55 1234 5678', language: 'es' },
  { name: 'Priya Sharma', waId: '919876543210', phone: '+91 98765 43210', language: 'en' },
  { name: 'Sarah Johnson', waId: '14155550134', phone: '+1 415 555 0134', language: 'en' },
  { name: 'Chidi Okafor', waId: '2348031234567', phone: '+234 803 123 4567', language: 'en' },
];

type Phrasebook = Record<Language, readonly string[]>;

export const PRODUCT_QUESTIONS: Phrasebook = {
  en: ['how much is the fibre 500 plan?', 'Do you have a mobile plan with unlimited data?', 'whats the price of the 1 gig fiber', 'is there any promo for tv + internet?'],
  pt: ['quanto custa o plano fibra 500?', 'vcs tem plano de celular com internet ilimitada?', 'qual o preço da fibra 1 giga?'],
  es: ['¿cuánto cuesta el plan de fibra 500?', 'tienen algún plan móvil con datos ilimitados?', 'precio del combo tv + internet?'],
};

/** Real customers type fast: the typos are deliberate, the bot must still understand them. */
export const ISSUE_REPORTS: Phrasebook = {
  en: ['my internet is down', 'internet not workng since this mornig', 'wifi keeps droping every 5 min!!', 'the router light is blinking red', 'my bill is wrong, charged twice'],
  pt: ['minha internet caiu', 'a net ta muito lenta hj', 'o roteador ta piscando vermelho', 'fui cobrada duas vezes na fatura'],
  es: ['no tengo internet desde ayer', 'el wifi se corta a cada rato', 'mi factura vino mal, me cobraron doble'],
};

export const GREETINGS: Phrasebook = {
  en: ['hi', 'hello, anyone there?', 'good morning'],
  pt: ['oi, bom dia', 'olá!', 'boa tarde'],
  es: ['hola, buenas tardes', 'buenos días', 'hola!'],
};

export const THANKS: Phrasebook = {
  en: ['thanks!', 'ok thank you 🙏', 'great, thx'],
  pt: ['obrigada!', 'valeu 👍', 'beleza, obrigado'],
  es: ['gracias!', 'perfecto, gracias', 'ok 👍'],
};

export const PHOTO_CAPTIONS: Phrasebook = {
  en: ['this is the router light now', 'see the error on screen'],
  pt: ['olha a luz do roteador', 'aparece esse erro'],
  es: ['así está la luz del router', 'me sale este error'],
};

export const STOP_WORDS: Phrasebook = { en: ['STOP', 'stop'], pt: ['STOP', 'parar'], es: ['STOP', 'baja'] };
export const START_WORDS: Phrasebook = { en: ['START'], pt: ['START', 'voltar'], es: ['START'] };

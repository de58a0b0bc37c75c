import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Brazil added a ninth digit (a leading 9) to every mobile number in 2012-2016; WhatsApp still
 * keeps numbers registered before that without it (55 AA NNNN-NNNN, the subscriber part starting
 * 6-9), and people write either form. The record holds the form people dial today
 * (+55 AA 9NNNN-NNNN), so both spellings land on one person.
 */
function withBrazilNinthDigit(digits: string): string {
  return /^55\d{2}[6-9]\d{7}$/.test(digits) ? `${digits.slice(0, 4)}9${digits.slice(4)}` : digits;
}

/** wa_id is the number's digits without "+"; E.164 adds it back after validation. */
export function toE164(waId: string | null): string | null {
  if (!waId) return null;
  const parsed = parsePhoneNumberFromString(`+${withBrazilNinthDigit(waId.replace(/\D/g, ''))}`);
  return parsed?.isPossible() ? parsed.number : null;
}

export type PhoneProblem = 'empty' | 'not_a_number' | 'invalid';

/**
 * A phone as people type it (national or international, with spaces, dashes, brackets) to E.164,
 * reading national numbers in the tenant's default country. Numbers must be valid for their
 * country, not only of a plausible length: an import that accepts typos sends to strangers.
 */
export function normalizePhone(raw: string, defaultCountry: string): { phone: string; country: string | null } | { problem: PhoneProblem } {
  const text = raw.trim();
  if (text === '') return { problem: 'empty' };
  if (!/^[+(]?[\d\s().\-/]+$/.test(text.replace(/^00/, '+'))) return { problem: 'not_a_number' };
  const international = text.startsWith('+') || text.startsWith('00');
  const first = international
    ? parsePhoneNumberFromString(`+${text.replace(/\D/g, '').replace(/^00/, '')}`)
    : parsePhoneNumberFromString(text, defaultCountry as CountryCode);
  if (!first) return { problem: 'invalid' };
  const digits = withBrazilNinthDigit(first.number.slice(1));
  const parsed = digits === first.number.slice(1) ? first : parsePhoneNumberFromString(`+${digits}`);
  if (!parsed?.isValid()) return { problem: 'invalid' };
  return { phone: parsed.number, country: parsed.country ?? null };
}

/** The ISO country of an E.164 number, when its prefix says (+1 is shared by 25 countries). */
export function countryOfPhone(phone: string | null): string | null {
  if (!phone) return null;
  return parsePhoneNumberFromString(phone)?.country ?? null;
}

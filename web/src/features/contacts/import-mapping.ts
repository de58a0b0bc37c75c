import { attributeKeySchema, type ImportMapping } from '@parley/common';
import type { MappingFieldKey } from './contacts.labels';

/** Header words that usually mean each field, in the languages tenants write their sheets in. */
const GUESSES: Record<MappingFieldKey, RegExp> = {
  phone: /phone|mobile|cell|whats|telefone|celular|tel[eé]fono|n[uú]mero|msisdn/i,
  name: /^(full\s*)?name$|^nome|^nombre|contact/i,
  email: /e-?mail|correo/i,
  tags: /tags?|etiquetas?|labels?/i,
  consentStatus: /consent|opt|permiss|marketing/i,
  consentSource: /source|origem|origen/i,
  consentTime: /time|date|data|fecha|when|at$/i,
};

/** A first mapping from the header names; the person checks and corrects it. */
export function guessMapping(headers: string[]): Record<MappingFieldKey, string | null> {
  const taken = new Set<string>();
  const pick = (field: MappingFieldKey, filter: (h: string) => boolean = () => true) => {
    const found = headers.find((h) => !taken.has(h) && GUESSES[field].test(h) && filter(h)) ?? null;
    if (found) taken.add(found);
    return found;
  };
  const phone = pick('phone');
  const email = pick('email');
  const consentSource = pick('consentSource', (h) => /consent|opt/i.test(h) || !/name/i.test(h));
  const consentTime = pick('consentTime');
  const consentStatus = pick('consentStatus');
  const tags = pick('tags');
  const name = pick('name');
  return { phone, name, email, tags, consentStatus, consentSource: consentStatus ? consentSource : null, consentTime: consentStatus ? consentTime : null };
}

/** "Plan (monthly)" → "plan_monthly": a key attributes can be stored under. */
export function attributeKeyFor(header: string): string {
  const slug = header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  const key = /^[a-z]/.test(slug) ? slug : `col_${slug}`.slice(0, 40);
  return attributeKeySchema.safeParse(key).success ? key : 'attribute';
}

export function toMapping(fields: Record<MappingFieldKey, string | null>, attributes: { column: string; key: string }[]): ImportMapping | null {
  if (!fields.phone) return null;
  return { ...fields, phone: fields.phone, attributes };
}

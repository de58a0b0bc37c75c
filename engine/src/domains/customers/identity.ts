import { toE164 } from './phone.js';

/** Who wrote in, as WhatsApp names them. */
export interface InboundIdentity {
  waId: string | null;
  userId: string | null;
  name: string | null;
}

/**
 * The identity key of someone with a number: `wa:` and the digits of their E.164 number, the same
 * whether they wrote in (whatever spelling WhatsApp used for their wa_id) or were imported.
 */
export function phoneIdentityKey(phone: string): string {
  return `wa:${phone.replace(/^\+/, '')}`;
}

/** The keys a sender may be known by, best first: their number, then their username user id. */
export function identityKeysOf(identity: { waId: string | null; userId: string | null }): string[] {
  const keys: string[] = [];
  if (identity.waId) keys.push(phoneIdentityKey(toE164(identity.waId) ?? identity.waId));
  if (identity.userId) keys.push(`u:${identity.userId}`);
  return keys;
}

import type { Types } from 'mongoose';
import { keyedObjectId } from '../../platform/db/keyed-id.js';
import { toE164 } from './phone.js';

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

/** A customer's `_id`: finding a person by their number is a read by `_id`. */
export function customerIdOf(tenantId: string, identityKey: string): Types.ObjectId {
  return keyedObjectId('customer', tenantId, identityKey);
}

/** Whether the customer has the `_id` their identity key gives (not one stored before keyed ids). */
export function hasKeyedId(tenantId: string, customer: { _id: Types.ObjectId; identityKey: string }): boolean {
  return customerIdOf(tenantId, customer.identityKey).equals(customer._id);
}

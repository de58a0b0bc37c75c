import { Types, type Model } from 'mongoose';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ConsentState, CustomerSummary } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { consentEntrySchema, customerSchema, type ConsentEntryDoc, type ConsentSource, type CustomerDoc } from './customers.model.js';

export interface InboundIdentity {
  waId: string | null;
  userId: string | null;
  name: string | null;
}

/** Customers are created and kept current from what WhatsApp tells us about who wrote. */
export class CustomersService {
  private readonly customers: (tenantId: string) => Model<CustomerDoc>;
  private readonly ledger: (tenantId: string) => Model<ConsentEntryDoc>;

  constructor(db: Database) {
    this.customers = db.defineTenantModel('Customer', customerSchema);
    this.ledger = db.defineTenantModel('ConsentEntry', consentEntrySchema);
  }

  /** Finds or creates the customer; concurrent first messages race on the unique identity key. */
  async ensureFromInbound(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc> {
    const model = this.customers(tenantId);
    const existing = await this.find(tenantId, identity);
    const now = new Date();
    if (existing) {
      const update: Partial<CustomerDoc> = {};
      if (identity.name && identity.name !== existing.name) update.name = identity.name;
      if (identity.userId && !existing.userId) update.userId = identity.userId;
      // Last seen is kept to the hour: an update per message would cost a write on the hot path.
      if (now.getTime() - existing.lastSeenAt.getTime() > 3600_000) update.lastSeenAt = now;
      if (Object.keys(update).length > 0) await model.updateOne({ _id: existing._id }, { $set: update });
      return { ...existing, ...update };
    }
    const identityKey = identity.waId ? `wa:${identity.waId}` : `u:${identity.userId ?? 'unknown'}`;
    try {
      const created = await model.create({
        identityKey,
        waId: identity.waId,
        userId: identity.userId,
        phone: toE164(identity.waId),
        name: identity.name,
        marketingConsent: 'unknown',
        consentUpdatedAt: null,
        unreachable: false,
        createdAt: now,
        lastSeenAt: now,
      });
      return created.toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await model.findOne({ identityKey }).lean();
      if (!winner) throw error;
      return winner;
    }
  }

  async get(tenantId: string, customerId: string): Promise<CustomerDoc | null> {
    if (!Types.ObjectId.isValid(customerId)) return null;
    return this.customers(tenantId).findById(customerId).lean();
  }

  async byIdentity(tenantId: string, identity: { waId: string | null; userId: string | null }): Promise<CustomerDoc | null> {
    return this.find(tenantId, { ...identity, name: null });
  }

  /**
   * Changes marketing consent and writes the ledger entry with its evidence. Returns false when
   * the consent already was in that state, so callers confirm only once.
   */
  async setMarketingConsent(tenantId: string, customerId: string, to: ConsentState, source: ConsentSource, evidence: Record<string, unknown>): Promise<boolean> {
    const customer = await this.get(tenantId, customerId);
    if (!customer || customer.marketingConsent === to) return false;
    const at = new Date();
    await this.ledger(tenantId).create({ customerId, category: 'marketing', from: customer.marketingConsent, to, source, evidence, at });
    await this.customers(tenantId).updateOne({ _id: customer._id }, { $set: { marketingConsent: to, consentUpdatedAt: at } });
    return true;
  }

  async consentHistory(tenantId: string, customerId: string): Promise<ConsentEntryDoc[]> {
    return this.ledger(tenantId).find({ customerId }).sort({ at: 1 }).lean();
  }

  private async find(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc | null> {
    const model = this.customers(tenantId);
    if (identity.waId) {
      const byWa = await model.findOne({ identityKey: `wa:${identity.waId}` }).lean();
      if (byWa) return byWa;
    }
    if (identity.userId) return model.findOne({ userId: identity.userId }).lean();
    return null;
  }
}

export function toSummary(customer: CustomerDoc): CustomerSummary {
  return {
    id: String(customer._id),
    name: customer.name,
    phone: customer.phone,
    waId: customer.waId,
    marketingConsent: customer.marketingConsent,
  };
}

/**
 * wa_id is the number's digits without "+"; E.164 adds it back after validation. WhatsApp keeps
 * Brazilian mobiles registered before 2012 without the ninth digit (55 AA NNNN-NNNN); today's
 * number has it, so the customer record holds the form people dial (+55 AA 9NNNN-NNNN).
 */
export function toE164(waId: string | null): string | null {
  if (!waId) return null;
  let digits = waId.replace(/\D/g, '');
  if (/^55\d{2}[6-9]\d{7}$/.test(digits)) digits = `${digits.slice(0, 4)}9${digits.slice(4)}`;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  return parsed?.isPossible() ? parsed.number : null;
}

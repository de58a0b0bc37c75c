import type { ConsentState, CustomerSummary } from '@parley/common';
import type { ConsentEntry, ConsentSource, CustomerDoc } from './customers.model.js';
import { customerIdOf, type CustomersRepository } from './customers.repository.js';
import { identityKeysOf, type InboundIdentity } from './identity.js';
import { countryOfPhone, toE164 } from './phone.js';

export type { InboundIdentity } from './identity.js';

/** What a consent listener hears after each ledger entry is written. */
export interface ConsentChange {
  customerId: string;
  from: ConsentState;
  to: ConsentState;
  source: ConsentSource;
  at: Date;
}
export type ConsentListener = (tenantId: string, change: ConsentChange) => void;

/**
 * Customers are created and kept current from what WhatsApp tells us about who wrote; contacts
 * (imports, lists, tags) extend the same records, so one person is one document.
 */
export class CustomersService {
  /** The tenant's customers collection, for the contacts domain which owns lists, tags and imports. */
  readonly customers: CustomersRepository['customers'];
  /** The consent changes of imports, a page of people per document (see `ConsentImportPageDoc`). */
  readonly ledgerPages: CustomersRepository['ledgerPages'];
  private readonly consentListeners: ConsentListener[] = [];

  constructor(private readonly repository: CustomersRepository) {
    this.customers = repository.customers;
    this.ledgerPages = repository.ledgerPages;
  }

  /** Called after every consent ledger write (campaigns count opt-outs after a send). */
  onConsentChanged(listener: ConsentListener): void {
    this.consentListeners.push(listener);
  }

  /** Tells the listeners about ledger entries already written. Listeners must not throw. */
  announceConsentChanges(tenantId: string, changes: ConsentChange[]): void {
    for (const change of changes) {
      for (const listener of this.consentListeners) listener(tenantId, change);
    }
  }

  /** Finds or creates the customer; concurrent first messages race on the unique identity key. */
  async ensureFromInbound(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc> {
    const existing = await this.repository.findByIdentity(tenantId, identity);
    const now = new Date();
    if (existing) {
      const update: Partial<CustomerDoc> = {};
      if (identity.name && identity.name !== existing.name) update.name = identity.name;
      if (identity.userId && !existing.userId) update.userId = identity.userId;
      if (identity.waId && !existing.waId) update.waId = identity.waId;
      // Last seen is kept to the hour: an update per message would cost a write on the hot path.
      if (now.getTime() - existing.lastSeenAt.getTime() > 3600_000) update.lastSeenAt = now;
      if (Object.keys(update).length > 0) await this.repository.update(tenantId, existing._id, update);
      return { ...existing, ...update };
    }
    const identityKey = identityKeysOf(identity)[0] ?? 'u:unknown';
    return this.repository.createOrFindWinner(tenantId, {
      _id: customerIdOf(tenantId, identityKey),
      identityKey,
      waId: identity.waId,
      userId: identity.userId,
      phone: toE164(identity.waId),
      name: identity.name,
      marketingConsent: 'unknown',
      consentUpdatedAt: null,
      unreachable: false,
      tags: [],
      listIds: [],
      attributes: {},
      country: countryOfPhone(toE164(identity.waId)),
      email: null,
      source: 'inbound',
      createdAt: now,
      lastSeenAt: now,
    });
  }

  async get(tenantId: string, customerId: string): Promise<CustomerDoc | null> {
    return this.repository.get(tenantId, customerId);
  }

  async byIdentity(tenantId: string, identity: { waId: string | null; userId: string | null }): Promise<CustomerDoc | null> {
    return this.repository.findByIdentity(tenantId, { ...identity, name: null });
  }

  /** Of these customers (those that exist), whether they consented and can be reached, as a sender checks right before sending. */
  async reachability(tenantId: string, customerIds: string[]): Promise<Pick<CustomerDoc, '_id' | 'marketingConsent' | 'unreachable'>[]> {
    return this.repository.reachability(tenantId, customerIds);
  }

  /** WhatsApp said the number is not on WhatsApp (131026). */
  async markUnreachable(tenantId: string, customerId: string): Promise<void> {
    await this.repository.markUnreachable(tenantId, customerId);
  }

  /**
   * Changes marketing consent and writes the ledger entry with its evidence. Returns false when
   * the consent already was in that state, so callers confirm only once.
   */
  async setMarketingConsent(tenantId: string, customerId: string, to: ConsentState, source: ConsentSource, evidence: Record<string, unknown>): Promise<boolean> {
    const customer = await this.get(tenantId, customerId);
    if (!customer || customer.marketingConsent === to) return false;
    const at = new Date();
    const from = customer.marketingConsent;
    await this.repository.recordConsentChange(tenantId, customer._id, { customerId, from, to, source, evidence, at });
    this.announceConsentChanges(tenantId, [{ customerId, from, to, source, at }]);
    return true;
  }

  /** Oldest first, whether stored on their own or on an import's ledger page. */
  async consentHistory(tenantId: string, customer: Pick<CustomerDoc, '_id' | 'identityKey' | 'consentLedger'>): Promise<ConsentEntry[]> {
    const entries = await this.repository.consentEntries(tenantId, customer);
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
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

import { Types, type Model } from 'mongoose';
import type { ConsentState, CustomerSummary } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { findByIds } from '../../platform/db/by-id.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import {
  consentEntrySchema,
  consentImportPageSchema,
  customerMarkSchema,
  customerSchema,
  importPageEntry,
  parseImportEntryRef,
  type ConsentEntry,
  type ConsentEntryDoc,
  type ConsentImportPageDoc,
  type ConsentSource,
  type CustomerDoc,
  type CustomerMarkDoc,
} from './customers.model.js';
import { customerIdOf, hasKeyedId, identityKeysOf } from './identity.js';
import { countryOfPhone, toE164 } from './phone.js';

export interface InboundIdentity {
  waId: string | null;
  userId: string | null;
  name: string | null;
}

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
  readonly customers: (tenantId: string) => Model<CustomerDoc>;
  readonly ledger: (tenantId: string) => Model<ConsentEntryDoc>;
  /** The consent changes of imports, a page of people per document (see `ConsentImportPageDoc`). */
  readonly ledgerPages: (tenantId: string) => Model<ConsentImportPageDoc>;
  private readonly marks: (tenantId: string) => Model<CustomerMarkDoc>;
  private readonly consentListeners: ConsentListener[] = [];
  /** Per tenant: is every customer's `_id` derived from its identity key (see `allKeyed`)? */
  private readonly keyed = new Map<string, Promise<boolean>>();

  constructor(private readonly db: Database) {
    this.customers = db.defineTenantModel('Customer', customerSchema);
    this.ledger = db.defineTenantModel('ConsentEntry', consentEntrySchema);
    this.ledgerPages = db.defineTenantModel('ConsentImportPage', consentImportPageSchema);
    this.marks = db.defineTenantModel('CustomerMark', customerMarkSchema);
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
    const model = this.customers(tenantId);
    const existing = await this.find(tenantId, identity);
    const now = new Date();
    if (existing) {
      const update: Partial<CustomerDoc> = {};
      if (identity.name && identity.name !== existing.name) update.name = identity.name;
      if (identity.userId && !existing.userId) update.userId = identity.userId;
      if (identity.waId && !existing.waId) update.waId = identity.waId;
      // Last seen is kept to the hour: an update per message would cost a write on the hot path.
      if (now.getTime() - existing.lastSeenAt.getTime() > 3600_000) update.lastSeenAt = now;
      if (Object.keys(update).length > 0) await model.updateOne({ _id: existing._id }, { $set: update });
      return { ...existing, ...update };
    }
    const identityKey = identityKeysOf(identity)[0] ?? 'u:unknown';
    const _id = customerIdOf(tenantId, identityKey);
    try {
      const created = await model.create({
        _id,
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
      return created.toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Another process created them first, under the same `_id` or, before keyed ids, the same key.
      const winner = (await model.findById(_id).lean()) ?? (await model.findOne({ identityKey }).lean());
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
    const from = customer.marketingConsent;
    const entryId = new Types.ObjectId();
    await this.ledger(tenantId).create({ _id: entryId, customerId, category: 'marketing', from, to, source, evidence, at });
    await this.customers(tenantId).updateOne({ _id: customer._id }, { $set: { marketingConsent: to, consentUpdatedAt: at }, $push: { consentLedger: String(entryId) } });
    this.announceConsentChanges(tenantId, [{ customerId, from, to, source, at }]);
    return true;
  }

  /** Oldest first. By the entries' `_id`s the customer lists (see `CustomerDoc.consentLedger`). */
  async consentHistory(tenantId: string, customer: Pick<CustomerDoc, '_id' | 'identityKey' | 'consentLedger'>): Promise<ConsentEntry[]> {
    const refs = customer.consentLedger ?? [];
    const inPages = refs.flatMap((ref) => parseImportEntryRef(ref) ?? []);
    const own = hasKeyedId(tenantId, customer)
      ? await findByIds(this.db, this.ledger(tenantId), refs.filter((ref) => !parseImportEntryRef(ref)))
      : await this.ledger(tenantId).find({ customerId: String(customer._id) }).lean();
    const pages = new Map((await findByIds(this.db, this.ledgerPages(tenantId), [...new Set(inPages.map((r) => r.pageId))])).map((page) => [String(page._id), page]));
    const fromPages = inPages.flatMap(({ pageId, index }) => {
      const page = pages.get(pageId);
      return (page && importPageEntry(page, index)) ?? [];
    });
    return [...own, ...fromPages].sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /**
   * By the `_id`s the sender's keys give (one read each, by primary key). Customers stored
   * before their ids were derived from their keys are found by searching, until `allKeyed` has
   * seen that the tenant has none of them left.
   */
  private async find(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc | null> {
    const model = this.customers(tenantId);
    const keys = identityKeysOf(identity);
    const found = await findByIds(this.db, model, keys.map((key) => String(customerIdOf(tenantId, key))));
    const byKey = keys.map((key) => found.find((c) => c.identityKey === key)).find((c) => c !== undefined);
    if (byKey) return byKey;
    if (await this.allKeyed(tenantId)) return null;
    if (identity.waId) {
      // A contact imported with its E.164 digits as key while WhatsApp spells its wa_id another
      // way (a Brazilian mobile registered before the ninth digit): the phone finds the same
      // person. One query asks both (FerretDB reads the collection once), and the wa_id wins.
      const identityKey = `wa:${identity.waId}`;
      const phone = toE164(identity.waId);
      const searched = await model.find({ $or: [{ identityKey }, ...(phone ? [{ phone }] : [])] }).lean();
      const match = searched.find((c) => c.identityKey === identityKey) ?? searched[0];
      if (match) return match;
    }
    if (identity.userId) return model.findOne({ userId: identity.userId }).lean();
    return null;
  }

  /**
   * Whether every customer of the tenant has the `_id` its identity key gives, so that a miss by
   * `_id` means nobody. Asked once per tenant and process: a mark says so once it has been seen
   * true, which it is from the start for a tenant created since ids are derived.
   */
  private allKeyed(tenantId: string): Promise<boolean> {
    let answer = this.keyed.get(tenantId);
    if (!answer) {
      answer = this.checkKeyed(tenantId);
      answer.catch(() => this.keyed.delete(tenantId));
      this.keyed.set(tenantId, answer);
    }
    return answer;
  }

  private async checkKeyed(tenantId: string): Promise<boolean> {
    if (await this.marks(tenantId).exists({ _id: KEYED_MARK })) return true;
    const cursor = this.customers(tenantId).find({}, { identityKey: 1 }).lean().cursor({ batchSize: 5000 });
    for await (const customer of cursor) {
      if (!hasKeyedId(tenantId, customer)) return false;
    }
    await this.marks(tenantId)
      .create({ _id: KEYED_MARK, at: new Date() })
      .catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
    return true;
  }
}

/** The mark of a tenant whose customers all have keyed ids. */
const KEYED_MARK = 'keyed-ids';

export function toSummary(customer: CustomerDoc): CustomerSummary {
  return {
    id: String(customer._id),
    name: customer.name,
    phone: customer.phone,
    waId: customer.waId,
    marketingConsent: customer.marketingConsent,
  };
}

import { Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { findByIds } from '../../platform/db/by-id.js';
import { keyedObjectId } from '../../platform/db/keyed-id.js';
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
  type CustomerDoc,
  type CustomerMarkDoc,
} from './customers.model.js';
import { identityKeysOf, type InboundIdentity } from './identity.js';
import { toE164 } from './phone.js';

/** A customer's `_id`: finding a person by their number is a read by `_id`. */
export function customerIdOf(tenantId: string, identityKey: string): Types.ObjectId {
  return keyedObjectId('customer', tenantId, identityKey);
}

/** Whether the customer has the `_id` their identity key gives (not one stored before keyed ids). */
export function hasKeyedId(tenantId: string, customer: { _id: Types.ObjectId; identityKey: string }): boolean {
  return customerIdOf(tenantId, customer.identityKey).equals(customer._id);
}

/** A consent change as the ledger stores it, with its evidence. */
export type ConsentRecord = Omit<ConsentEntryDoc, '_id' | 'category'>;

/**
 * The customers collection, the consent ledger (entries of their own and the pages imports
 * write) and the marks about a tenant's customers as a whole. A customer's `_id` is derived from
 * their identity key, so finding someone by who they are is a read by `_id`, the one filter the
 * local FerretDB answers from an index.
 */
export class CustomersRepository {
  /** The tenant's customers collection, for the contacts domain which owns lists, tags and imports. */
  readonly customers: (tenantId: string) => Model<CustomerDoc>;
  /** The consent changes of imports, a page of people per document (see `ConsentImportPageDoc`). */
  readonly ledgerPages: (tenantId: string) => Model<ConsentImportPageDoc>;
  private readonly ledger: (tenantId: string) => Model<ConsentEntryDoc>;
  private readonly marks: (tenantId: string) => Model<CustomerMarkDoc>;
  /** Per tenant: is every customer's `_id` derived from its identity key (see `allKeyed`)? */
  private readonly keyed = new Map<string, Promise<boolean>>();

  constructor(private readonly db: Database) {
    this.customers = db.defineTenantModel('Customer', customerSchema);
    this.ledger = db.defineTenantModel('ConsentEntry', consentEntrySchema);
    this.ledgerPages = db.defineTenantModel('ConsentImportPage', consentImportPageSchema);
    this.marks = db.defineTenantModel('CustomerMark', customerMarkSchema);
  }

  async get(tenantId: string, customerId: string): Promise<CustomerDoc | null> {
    if (!Types.ObjectId.isValid(customerId)) return null;
    return this.customers(tenantId).findById(customerId).lean();
  }

  /**
   * By the `_id`s the sender's keys give (one read each, by primary key). Customers stored
   * before their ids were derived from their keys are found by searching, until `allKeyed` has
   * seen that the tenant has none of them left.
   */
  async findByIdentity(tenantId: string, identity: InboundIdentity): Promise<CustomerDoc | null> {
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
   * Stores a new customer, or answers the one another process created first, under the same
   * `_id` or, before keyed ids, the same identity key: the unique insert decides the race.
   */
  async createOrFindWinner(tenantId: string, customer: CustomerDoc): Promise<CustomerDoc> {
    const model = this.customers(tenantId);
    try {
      return (await model.create(customer)).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = (await model.findById(customer._id).lean()) ?? (await model.findOne({ identityKey: customer.identityKey }).lean());
      if (!winner) throw error;
      return winner;
    }
  }

  async update(tenantId: string, customerId: Types.ObjectId, set: Partial<CustomerDoc>): Promise<void> {
    await this.customers(tenantId).updateOne({ _id: customerId }, { $set: set });
  }

  /** Consent and reachability of these customers (those that exist), read by `_id`. */
  async reachability(tenantId: string, customerIds: string[]): Promise<Pick<CustomerDoc, '_id' | 'marketingConsent' | 'unreachable'>[]> {
    return findByIds(this.db, this.customers(tenantId), customerIds, { marketingConsent: 1, unreachable: 1 });
  }

  async markUnreachable(tenantId: string, customerId: string): Promise<void> {
    await this.customers(tenantId).updateOne({ _id: customerId }, { $set: { unreachable: true } });
  }

  /** Writes the ledger entry first, then the customer's new state listing it. */
  async recordConsentChange(tenantId: string, customerId: Types.ObjectId, change: ConsentRecord): Promise<void> {
    const entryId = new Types.ObjectId();
    await this.ledger(tenantId).create({ _id: entryId, ...change, category: 'marketing' });
    await this.customers(tenantId).updateOne({ _id: customerId }, { $set: { marketingConsent: change.to, consentUpdatedAt: change.at }, $push: { consentLedger: String(entryId) } });
  }

  /** The customer's ledger entries, in no order: by the `_id`s the customer lists (see `CustomerDoc.consentLedger`). */
  async consentEntries(tenantId: string, customer: Pick<CustomerDoc, '_id' | 'identityKey' | 'consentLedger'>): Promise<ConsentEntry[]> {
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
    return [...own, ...fromPages];
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

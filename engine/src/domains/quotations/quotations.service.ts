import { Schema, Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';

/**
 * Draft quotations opened by the bot for sales. Minimal records for now: customer, conversation,
 * product, price and status; their full management comes with the quotations feature.
 */
interface QuotationDoc {
  _id: Types.ObjectId;
  key: string;
  conversationId: string;
  customerId: string;
  lookupId: string;
  product: string;
  price: number | null;
  status: 'draft' | 'sent' | 'accepted' | 'rejected';
  createdAt: Date;
}

const quotationSchema = new Schema<QuotationDoc>(
  {
    key: { type: String, required: true },
    conversationId: { type: String, required: true },
    customerId: { type: String, required: true },
    lookupId: { type: String, required: true },
    product: { type: String, required: true },
    price: { type: Number, default: null },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'quotations', versionKey: false },
);
quotationSchema.index({ key: 1 }, { unique: true });
quotationSchema.index({ conversationId: 1 });

export class QuotationsService {
  private readonly quotations: (tenantId: string) => Model<QuotationDoc>;

  constructor(db: Database) {
    this.quotations = db.defineTenantModel('Quotation', quotationSchema);
  }

  /** Idempotent by `key` (the effect id that asked for it). */
  async openDraft(tenantId: string, input: Pick<QuotationDoc, 'key' | 'conversationId' | 'customerId' | 'lookupId' | 'product' | 'price'>): Promise<string> {
    try {
      const doc = await this.quotations(tenantId).create({ ...input, status: 'draft', createdAt: new Date() });
      return String(doc._id);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.quotations(tenantId).findOne({ key: input.key }).lean();
      if (!existing) throw error;
      return String(existing._id);
    }
  }

  async byConversation(tenantId: string, conversationId: string) {
    return this.quotations(tenantId).find({ conversationId }).lean();
  }
}

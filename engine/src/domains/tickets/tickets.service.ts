import { Schema, Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';

/**
 * Support tickets opened by the bot for customer care. Minimal records for now: customer,
 * conversation, category and status; their full management comes with the tickets feature.
 */
interface TicketDoc {
  _id: Types.ObjectId;
  key: string;
  conversationId: string;
  customerId: string;
  lookupId: string;
  category: string;
  status: 'open' | 'pending' | 'solved' | 'closed';
  createdAt: Date;
}

const ticketSchema = new Schema<TicketDoc>(
  {
    key: { type: String, required: true },
    conversationId: { type: String, required: true },
    customerId: { type: String, required: true },
    lookupId: { type: String, required: true },
    category: { type: String, required: true },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'tickets', versionKey: false },
);
ticketSchema.index({ key: 1 }, { unique: true });
ticketSchema.index({ conversationId: 1 });

export class TicketsService {
  private readonly tickets: (tenantId: string) => Model<TicketDoc>;

  constructor(db: Database) {
    this.tickets = db.defineTenantModel('Ticket', ticketSchema);
  }

  /** Idempotent by `key` (the effect id that asked for it). */
  async open(tenantId: string, input: Pick<TicketDoc, 'key' | 'conversationId' | 'customerId' | 'lookupId' | 'category'>): Promise<string> {
    try {
      const doc = await this.tickets(tenantId).create({ ...input, status: 'open', createdAt: new Date() });
      return String(doc._id);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.tickets(tenantId).findOne({ key: input.key }).lean();
      if (!existing) throw error;
      return String(existing._id);
    }
  }

  async byConversation(tenantId: string, conversationId: string) {
    return this.tickets(tenantId).find({ conversationId }).lean();
  }
}

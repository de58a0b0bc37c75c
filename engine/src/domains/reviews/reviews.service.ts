import { Schema, Types, type Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';

/** A customer's score after a conversation; alerts and follow-ups come with the reviews feature. */
interface ReviewDoc {
  _id: Types.ObjectId;
  key: string;
  conversationId: string;
  customerId: string;
  score: number;
  at: Date;
}

const reviewSchema = new Schema<ReviewDoc>(
  {
    key: { type: String, required: true },
    conversationId: { type: String, required: true },
    customerId: { type: String, required: true },
    score: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'reviews', versionKey: false },
);
reviewSchema.index({ key: 1 }, { unique: true });
reviewSchema.index({ conversationId: 1 });

export class ReviewsService {
  private readonly reviews: (tenantId: string) => Model<ReviewDoc>;

  constructor(db: Database) {
    this.reviews = db.defineTenantModel('Review', reviewSchema);
  }

  async record(tenantId: string, input: Omit<ReviewDoc, '_id' | 'at'>): Promise<void> {
    try {
      await this.reviews(tenantId).create({ ...input, at: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async byConversation(tenantId: string, conversationId: string) {
    return this.reviews(tenantId).find({ conversationId }).lean();
  }
}

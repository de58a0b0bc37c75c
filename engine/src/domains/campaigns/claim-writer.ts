import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import { claimIdOf, type ClaimDoc, type RecipientDoc } from './campaigns.model.js';
import { indexOfWriteError, writeErrorsOf } from './materialise.js';

/** What a claim came to: ours to send, someone else's, or unknown (the insert failed). */
export type ClaimResult = 'ours' | 'taken' | 'unknown';

interface Pending {
  doc: ClaimDoc;
  resolve: (result: ClaimResult) => void;
}

/**
 * Claims sends one at a time, right before each Graph call, so that a crash leaves claimed but
 * never sent only the sends that were about to go out. Claims asked for while an insert is under
 * way go together in the next one: under load the inserts grow, and their number stays that of
 * the database's round trips.
 */
export class ClaimWriter {
  private pending: Pending[] = [];
  private writing = false;

  constructor(
    private readonly claims: Model<ClaimDoc>,
    private readonly campaignId: string,
  ) {}

  claim(recipient: RecipientDoc): Promise<ClaimResult> {
    const doc: ClaimDoc = { _id: claimIdOf(recipient._id, recipient.attempt), campaignId: this.campaignId, recipientId: recipient._id, attempt: recipient.attempt, claimedAt: new Date() };
    return new Promise((resolve) => {
      this.pending.push({ doc, resolve });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const results = await this.insert(batch.map((p) => p.doc));
      batch.forEach((p, i) => p.resolve(results[i] ?? 'unknown'));
    }
    this.writing = false;
  }

  /** One unordered insert; a duplicate key is a claim someone else holds. */
  private async insert(docs: ClaimDoc[]): Promise<ClaimResult[]> {
    try {
      await this.claims.insertMany(docs, { ordered: false, lean: true });
      return docs.map(() => 'ours');
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) return docs.map(() => 'unknown');
      const results: ClaimResult[] = docs.map(() => 'ours');
      for (const writeError of failed) {
        const index = indexOfWriteError(writeError);
        if (index === null) return docs.map(() => 'unknown');
        results[index] = isDuplicateKeyError(writeError) ? 'taken' : 'unknown';
      }
      return results;
    }
  }
}

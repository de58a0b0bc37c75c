import { claimIdOf, type ClaimDoc, type RecipientDoc } from './campaigns.model.js';
import type { ClaimResult } from './send-queue.repository.js';

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
    /** One insert of these claims (`SendQueueRepository.insertClaims`). */
    private readonly insert: (docs: ClaimDoc[]) => Promise<ClaimResult[]>,
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
}

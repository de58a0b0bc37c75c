/**
 * The most work the bot spends on one customer message, whatever the customer typed. Reading a
 * message is linear in its (capped) length; what is not linear, typo tolerance, draws on this
 * budget, so a message of random letters, of thousands of near-misses or of any other hostile
 * content costs no more than a bounded number of lookups (issue 14: one poison message blocked the
 * event loop for seconds, then exhausted memory).
 */

/**
 * Text is read up to WhatsApp's own limit on a message body (4,096 characters); a body longer
 * than a real message can carry is read no further.
 */
export const MAX_TEXT_LENGTH = 4096;

/**
 * Words of one message considered by the matcher and by the request for a person: far more than
 * a message about one topic uses, few enough that every later step stays small.
 */
export const MAX_WORDS = 256;

/**
 * Deletion variants of typed words looked up in one message. A word of 10 letters costs 56, one
 * of 20 costs 211: ordinary messages of the matcher benchmark spend at most 173. A message past
 * the budget has its remaining words matched exactly, as they would be if they were spelt right.
 */
export const MAX_VARIANT_LOOKUPS = 4096;

/** Vocabulary words whose distance to a typed word is measured, in one message. */
export const MAX_DISTANCE_CHECKS = 1024;

/**
 * Steps through the tenant's phrases (a trie step, or a phrase scored on its words) in one
 * message. Bounded by the tables too, but a table of 10,000 rows whose words are shared by many
 * phrases would let one message walk a good part of it.
 */
export const MAX_PHRASE_STEPS = 8192;

/** What one message has spent so far; also what a test or a benchmark reads afterwards. */
export class WorkBudget {
  variantLookups = 0;
  distanceChecks = 0;
  phraseSteps = 0;
  words = 0;

  /** True when `count` more variant lookups fit in what is left. */
  canLookUp(count: number): boolean {
    return this.variantLookups + count <= MAX_VARIANT_LOOKUPS;
  }

  spendLookups(count: number): void {
    this.variantLookups += count;
  }

  /** True when one more distance check fits; it is then counted as spent. */
  takeDistanceCheck(): boolean {
    if (this.distanceChecks >= MAX_DISTANCE_CHECKS) return false;
    this.distanceChecks++;
    return true;
  }

  /** True when one more phrase step fits; it is then counted as spent. */
  takePhraseStep(): boolean {
    if (this.phraseSteps >= MAX_PHRASE_STEPS) return false;
    this.phraseSteps++;
    return true;
  }
}

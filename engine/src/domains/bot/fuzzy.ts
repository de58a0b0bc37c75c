import { WorkBudget } from './work-budget.js';

/**
 * Typo tolerance by symmetric deletion (the SymSpell idea): every vocabulary word is indexed
 * under itself and every string reachable by deleting up to k characters. A typed word looks up
 * its own deletions, so the cost per word depends on the word's length, not on the table's size.
 * Candidates found that way are confirmed with the real edit distance.
 *
 * A word has about L²/2 two-character deletions, each L long: cubic in the word. So a typed word
 * is looked up only when its length is within reach of a vocabulary word, and only while the
 * message's work budget lasts; a word past either is matched exactly or not at all.
 */

/** The most edits ever tolerated (see allowedEdits). */
const MAX_EDITS = 2;
/** Longer vocabulary words are matched exactly: lookup synonyms are at most 60 characters. */
export const MAX_FUZZY_WORD_LENGTH = 64;

/** Edits tolerated for a word of this length: none below 4 characters, 1 up to 7, 2 from 8. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  return length < 8 ? 1 : 2;
}

/** How many strings `deletions(word, edits)` can return at most, before removing repeats. */
export function variantBound(length: number, edits: number): number {
  let total = 1;
  let ways = 1;
  for (let d = 1; d <= edits; d++) {
    ways = (ways * (length - d + 1)) / d;
    total += Math.max(ways, 0);
  }
  return total;
}

/**
 * The word itself and every string obtained by deleting up to `edits` characters. Cubic in the
 * word's length: callers bound the length first (see DeletionIndex).
 */
export function deletions(word: string, edits: number): Set<string> {
  const found = new Set<string>([word]);
  let frontier = [word];
  for (let round = 0; round < edits; round++) {
    const next: string[] = [];
    for (const current of frontier) {
      for (let i = 0; i < current.length; i++) {
        const shorter = current.slice(0, i) + current.slice(i + 1);
        if (!found.has(shorter)) {
          found.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form (insert, delete, substitute,
 * swap two neighbours), which is what a typo on a phone keyboard is. Gives up above `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/** Words that stay exact: a model number with one digit changed is another product. */
export function isFuzzyEligible(word: string): boolean {
  return allowedEdits(word.length) > 0 && word.length <= MAX_FUZZY_WORD_LENGTH && !/\d/.test(word);
}

/** The deletion index over a vocabulary of words identified by number. */
export class DeletionIndex {
  private readonly entries = new Map<string, number[]>();
  private shortest = Number.POSITIVE_INFINITY;
  private longest = 0;

  add(word: string, id: number): void {
    if (!isFuzzyEligible(word)) return;
    this.shortest = Math.min(this.shortest, word.length);
    this.longest = Math.max(this.longest, word.length);
    for (const variant of deletions(word, allowedEdits(word.length))) {
      const ids = this.entries.get(variant);
      if (ids) ids.push(id);
      else this.entries.set(variant, [id]);
    }
  }

  /**
   * Vocabulary ids within the tolerated distance of `word`, keeping only the closest ones: a
   * typo is read as the nearest known word, not as every word around it. Its lookups and
   * distance checks are drawn from `budget`; nothing is looked up for a word no vocabulary word
   * can be within reach of, or for one whose lookups no longer fit.
   */
  closest(word: string, wordOf: (id: number) => string, budget = new WorkBudget()): { ids: number[]; distance: number } {
    const seen = new Set<number>();
    let best: number[] = [];
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const variant of this.variantsWithinBudget(word, budget)) {
      for (const id of this.entries.get(variant) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        // Out of checks: the closest found so far stands; the same message always gets it.
        if (!budget.takeDistanceCheck()) return { ids: best, distance: best.length > 0 ? bestDistance : 0 };
        const candidate = wordOf(id);
        const max = allowedEdits(Math.min(word.length, candidate.length));
        const distance = editDistance(word, candidate, max);
        if (distance > max || distance === 0 || distance > bestDistance) continue;
        if (distance < bestDistance) best = [];
        bestDistance = distance;
        best.push(id);
      }
    }
    return { ids: best, distance: best.length > 0 ? bestDistance : 0 };
  }

  /** The deletions of a typed word worth looking up, counted in `budget`; none when not worth it. */
  private variantsWithinBudget(word: string, budget: WorkBudget): Set<string> {
    const edits = allowedEdits(word.length);
    if (!isFuzzyEligible(word) || !this.withinReach(word.length) || !budget.canLookUp(variantBound(word.length, edits))) return new Set();
    const variants = deletions(word, edits);
    budget.spendLookups(variants.size);
    return variants;
  }

  /** A length differs from a match by at most the edits tolerated. */
  private withinReach(length: number): boolean {
    return length >= this.shortest - MAX_EDITS && length <= this.longest + MAX_EDITS;
  }
}

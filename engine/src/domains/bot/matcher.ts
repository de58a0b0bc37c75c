import { DeletionIndex } from './fuzzy.js';
import { contentTokens, normalize, tokenize } from './text.js';
import { WorkBudget } from './work-budget.js';

/** What the matcher needs of a lookup row. */
export interface MatchableRow {
  id: string;
  name: string;
  synonyms: readonly string[];
}

export interface MatchResult {
  id: string;
  /** 0..1: about 0.95+ for an exact name or synonym, less for partial or misspelt matches. */
  score: number;
}

/** Below this the matcher says nothing: the bot asks again rather than guess. */
export const MATCH_THRESHOLD = 0.55;
/** Two different rows this close are a tie: the bot asks rather than pick one at random. */
const AMBIGUITY_MARGIN = 0.02;
/**
 * A word shared by more rows than this ("internet" in a telecom's catalogue) cannot pick a row
 * on its own; it still counts inside a row found through its other words or a whole phrase.
 * This is also what keeps a lookup bounded per word however large the table grows.
 */
const SHARED_WORD_LIMIT = 32;
const WEIGHT_BY_EDITS = [1, 0.8, 0.65];

interface Phrase {
  row: number;
  terms: number[];
}

interface TrieNode {
  next: Map<number, TrieNode>;
  ends: number[];
}

/** A tenant's rows compiled into an in-memory index; immutable once built. */
export class LookupMatcher {
  private readonly terms = new Map<string, number>();
  private readonly words: string[] = [];
  private readonly phrasesOfTerm: number[][] = [];
  private readonly rowsOfTerm: Set<number>[] = [];
  private readonly phrases: Phrase[] = [];
  private readonly trie: TrieNode = { next: new Map(), ends: [] };
  private readonly fuzzy = new DeletionIndex();

  private constructor(private readonly rows: readonly MatchableRow[]) {}

  static compile(rows: readonly MatchableRow[]): LookupMatcher {
    const matcher = new LookupMatcher(rows);
    rows.forEach((row, index) => {
      for (const text of [row.name, ...row.synonyms]) matcher.addPhrase(index, text);
    });
    return matcher;
  }

  get size(): number {
    return this.rows.length;
  }

  /**
   * The best row for a free-text message, or null when nothing is confident enough. Its typo
   * tolerance draws on `budget`, which a caller may pass to see what the message cost.
   */
  match(text: string, budget = new WorkBudget()): MatchResult | null {
    const tokens = contentTokens(normalize(text));
    budget.words += tokens.length;
    if (tokens.length === 0) return null;
    // A word repeated throughout a message is read once: repeats cost nothing from the budget.
    const readings = new Map<string, Map<number, number>>();
    const candidates = tokens.map((token) => {
      const known = readings.get(token) ?? this.candidatesFor(token, budget);
      readings.set(token, known);
      return known;
    });
    const scores = new Map<number, number>();
    const raise = (phrase: number, score: number) => {
      const row = this.phrases[phrase]?.row ?? -1;
      if (score > (scores.get(row) ?? 0)) scores.set(row, score);
    };
    this.wholePhrases(candidates, raise, budget);
    this.partialPhrases(candidates, raise, budget);
    return this.decide(scores);
  }

  private addPhrase(row: number, text: string): void {
    const normalized = normalize(text);
    // A phrase made only of stop words ("A") keeps them, or it could never match.
    const tokens = contentTokens(normalized).length > 0 ? contentTokens(normalized) : tokenize(normalized);
    if (tokens.length === 0) return;
    const id = this.phrases.length;
    const terms = tokens.map((token) => this.termId(token));
    this.phrases.push({ row, terms });
    let node = this.trie;
    for (const term of terms) {
      this.phrasesOfTerm[term]?.push(id);
      this.rowsOfTerm[term]?.add(row);
      let child = node.next.get(term);
      if (!child) {
        child = { next: new Map(), ends: [] };
        node.next.set(term, child);
      }
      node = child;
    }
    node.ends.push(id);
  }

  private termId(word: string): number {
    const known = this.terms.get(word);
    if (known !== undefined) return known;
    const id = this.words.length;
    this.terms.set(word, id);
    this.words.push(word);
    this.phrasesOfTerm.push([]);
    this.rowsOfTerm.push(new Set());
    this.fuzzy.add(word, id);
    return id;
  }

  /** Known words a typed word may stand for, with the weight of each reading. */
  private candidatesFor(token: string, budget: WorkBudget): Map<number, number> {
    const exact = this.terms.get(token);
    // A word the tables know is taken as typed, never as a typo of a neighbour.
    if (exact !== undefined) return new Map([[exact, 1]]);
    const { ids, distance } = this.fuzzy.closest(token, (id) => this.words[id] ?? '', budget);
    const weight = WEIGHT_BY_EDITS[distance] ?? 0;
    return new Map(ids.map((id) => [id, weight]));
  }

  /** Names and synonyms found whole and in order, walking the phrase trie from each word. */
  private wholePhrases(candidates: Map<number, number>[], raise: (phrase: number, score: number) => void, budget: WorkBudget): void {
    const walk = (node: TrieNode, at: number, depth: number, weight: number) => {
      for (const [term, w] of candidates[at] ?? []) {
        const child = node.next.get(term);
        if (!child || !budget.takePhraseStep()) continue;
        const quality = (weight + w) / (depth + 1);
        // Longer phrases win ties: "internet down" says more than "internet".
        for (const phrase of child.ends) raise(phrase, (1 - 0.05 / (depth + 1)) * quality);
        walk(child, at + 1, depth + 1, weight + w);
      }
    };
    for (let start = 0; start < candidates.length; start++) walk(this.trie, start, 0, 0);
  }

  /** Multi-word names and synonyms found in part or out of order, through their rarer words. */
  private partialPhrases(candidates: Map<number, number>[], raise: (phrase: number, score: number) => void, budget: WorkBudget): void {
    const best = new Map<number, number>();
    for (const reading of candidates) for (const [term, w] of reading) best.set(term, Math.max(best.get(term) ?? 0, w));
    const visited = new Set<number>();
    for (const term of best.keys()) {
      if ((this.rowsOfTerm[term]?.size ?? 0) > SHARED_WORD_LIMIT) continue;
      for (const phrase of this.phrasesOfTerm[term] ?? []) {
        if (visited.has(phrase) || !budget.takePhraseStep()) continue;
        visited.add(phrase);
        const terms = this.phrases[phrase]?.terms ?? [];
        if (terms.length < 2) continue;
        const weights = terms.map((t) => best.get(t) ?? 0).filter((w) => w > 0);
        const quality = weights.reduce((sum, w) => sum + w, 0) / weights.length;
        const coverage = weights.length / terms.length;
        raise(phrase, (coverage === 1 ? 0.8 : 0.5 + 0.3 * coverage) * quality);
      }
    }
  }

  private decide(scores: Map<number, number>): MatchResult | null {
    let first: [number, number] = [-1, 0];
    let second = 0;
    for (const [row, score] of scores) {
      if (score > first[1]) {
        second = first[1];
        first = [row, score];
      } else if (score > second) second = score;
    }
    const row = this.rows[first[0]];
    if (!row || first[1] < MATCH_THRESHOLD || second >= first[1] - AMBIGUITY_MARGIN) return null;
    return { id: row.id, score: Math.round(first[1] * 1000) / 1000 };
  }
}

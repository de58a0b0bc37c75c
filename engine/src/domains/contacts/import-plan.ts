import type { Types } from 'mongoose';
import type { ConsentState, ImportCounts } from '@parley/common';
import type { ImportRow, RowConsent, RowRejection } from './import-row.js';

/** What the customers collection already knows about a phone, loaded once per import. */
export interface KnownContact {
  id: Types.ObjectId;
  marketingConsent: ConsentState;
  consentUpdatedAt: Date | null;
}

/** One person of the file: every row with their number folded together. */
export interface PlannedPerson {
  /** The customer's `_id`; the writer corrects it when the insert finds them stored under another. */
  id: Types.ObjectId;
  existing: KnownContact | null;
  /** Index of the first row with this number: the person counts as created or updated there. */
  firstIndex: number;
  row: ImportRow;
  tags: Set<string>;
  /** The change the file makes to the person's consent. */
  consentChange: { from: ConsentState; consent: RowConsent } | null;
}

export type RowOutcome = 'created' | 'updated' | 'merged' | 'rejected';

/** What later rows said about a person already handed to the writer. */
interface LateFold {
  person: PlannedPerson;
  /** The later rows folded together, written as an update of the person. */
  update: PlannedPerson;
  /** The file's consent statement over all the person's rows, folded in file order. */
  consent: RowConsent | null;
}

/** Of two consent statements about one person, the one with the later time; else the later row. */
function laterConsent(a: RowConsent | null, b: RowConsent | null): RowConsent | null {
  if (!a || a.to === 'unknown') return b && b.to !== 'unknown' ? b : a;
  if (!b || b.to === 'unknown') return a;
  if (a.time && b.time) return b.time.getTime() >= a.time.getTime() ? b : a;
  return b;
}

function fold(into: PlannedPerson, row: ImportRow): void {
  const first = into.row;
  into.row = {
    ...first,
    name: row.name ?? first.name,
    email: row.email ?? first.email,
    attributes: { ...first.attributes, ...row.attributes },
    consent: laterConsent(first.consent, row.consent),
  };
  for (const tag of row.tags) into.tags.add(tag);
}

/**
 * Whether the file's consent statement changes the person's consent. An opt-out is always
 * honoured. A grant never lifts an opt-out on the file's word alone: a list exported before the
 * person said STOP still says "granted", and sending to them again would break their opt-out
 * (WhatsApp policy and the law both require honouring it). Only a consent time later than the
 * revocation is evidence that they opted in again.
 */
export function consentDecision(current: { state: ConsentState; updatedAt: Date | null }, consent: RowConsent | null): 'change' | 'none' | 'kept' {
  if (!consent || consent.to === 'unknown' || consent.to === current.state) return 'none';
  if (current.state === 'revoked' && consent.to === 'granted') {
    const provenLater = consent.time !== null && current.updatedAt !== null && consent.time.getTime() > current.updatedAt.getTime();
    return provenLater ? 'change' : 'kept';
  }
  return 'change';
}

/**
 * Decides the import as the file is read, a slice of rows at a time: which rows are rejected,
 * which fold into an earlier row (the same number twice, including Brazil's two spellings of a
 * mobile), who is new, who exists (matched by phone), and which consent changes go to the ledger.
 * The people a slice brings in are handed to the writer at once, so writing overlaps reading.
 * A row that folds into someone already handed out is kept for `lateFolds`, written after
 * everything else, and comes to the same person a plan of the whole file would make.
 */
export class ImportPlanner {
  readonly outcomes: RowOutcome[] = [];
  /** Row indexes where a grant was not applied over an opt-out. */
  readonly consentKept = new Set<number>();
  private readonly byPhone = new Map<string, PlannedPerson>();
  private readonly handedOut = new Set<PlannedPerson>();
  private readonly late = new Map<PlannedPerson, LateFold>();

  constructor(
    private readonly known: Map<string, KnownContact>,
    private readonly newId: (phone: string) => Types.ObjectId,
  ) {}

  /** Plans the next rows of the file, in order; returns the people they bring in and their rejections. */
  plan(rows: (ImportRow | RowRejection)[]): { persons: PlannedPerson[]; rejections: RowRejection[] } {
    const persons: PlannedPerson[] = [];
    const rejections: RowRejection[] = [];
    for (const row of rows) {
      if ('reason' in row) {
        rejections.push(row);
        this.outcomes.push('rejected');
        continue;
      }
      const same = this.byPhone.get(row.phone);
      if (same) {
        if (this.handedOut.has(same)) this.foldLate(same, row);
        else fold(same, row);
        this.outcomes.push('merged');
        continue;
      }
      const existing = this.known.get(row.phone) ?? null;
      const person: PlannedPerson = { id: existing?.id ?? this.newId(row.phone), existing, firstIndex: row.index, row, tags: new Set(row.tags), consentChange: null };
      this.byPhone.set(row.phone, person);
      persons.push(person);
      this.outcomes.push(existing ? 'updated' : 'created');
    }
    for (const person of persons) {
      const consent = person.row.consent;
      const decision = consentDecision(originalConsent(person), consent);
      if (decision === 'change' && consent) person.consentChange = { from: originalConsent(person).state, consent };
      if (decision === 'kept') this.consentKept.add(person.firstIndex);
      this.handedOut.add(person);
    }
    return { persons, rejections };
  }

  /**
   * Updates for the people later rows folded into after they were handed out, to write once
   * everything planned before is written. The consent is decided again over all their rows, as
   * for anyone else; a change from what was written goes to the ledger as a change of its own.
   */
  lateFolds(): PlannedPerson[] {
    return [...this.late.values()].map(({ person, update, consent }) => {
      const original = originalConsent(person);
      const written = person.consentChange ? person.consentChange.consent.to : original.state;
      const decision = consentDecision(original, consent);
      const target = decision === 'change' && consent ? consent.to : original.state;
      if (decision === 'kept') this.consentKept.add(person.firstIndex);
      else this.consentKept.delete(person.firstIndex);
      return {
        ...update,
        id: person.id,
        existing: { id: person.id, marketingConsent: written, consentUpdatedAt: null },
        consentChange: target !== written && consent ? { from: written, consent } : null,
      };
    });
  }

  private foldLate(person: PlannedPerson, row: ImportRow): void {
    const late = this.late.get(person);
    if (late) {
      fold(late.update, row);
      late.consent = laterConsent(late.consent, row.consent);
      return;
    }
    const update: PlannedPerson = { id: person.id, existing: null, firstIndex: person.firstIndex, row, tags: new Set(row.tags), consentChange: null };
    this.late.set(person, { person, update, consent: laterConsent(person.row.consent, row.consent) });
  }
}

function originalConsent(person: PlannedPerson): { state: ConsentState; updatedAt: Date | null } {
  return { state: person.existing?.marketingConsent ?? 'unknown', updatedAt: person.existing?.consentUpdatedAt ?? null };
}

/** Exact counts for the rows up to `upto` (exclusive), for live progress and the final report. */
export function countOutcomes(plan: Pick<ImportPlanner, 'outcomes' | 'consentKept'>, upto: number): ImportCounts {
  const counts: ImportCounts = { created: 0, updated: 0, merged: 0, rejected: 0, consentKept: 0 };
  for (let i = 0; i < upto && i < plan.outcomes.length; i += 1) {
    const outcome = plan.outcomes[i];
    if (outcome) counts[outcome] += 1;
    if (plan.consentKept.has(i)) counts.consentKept += 1;
  }
  return counts;
}

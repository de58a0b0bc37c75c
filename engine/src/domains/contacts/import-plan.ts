import { Types } from 'mongoose';
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
  id: Types.ObjectId;
  existing: KnownContact | null;
  /** Index of the first row with this number: the person counts as created or updated there. */
  firstIndex: number;
  row: ImportRow;
  tags: Set<string>;
  /** The change the file makes, under the `_id` its ledger entry will have. */
  consentChange: { from: ConsentState; consent: RowConsent; entryId: Types.ObjectId } | null;
}

export type RowOutcome = 'created' | 'updated' | 'merged' | 'rejected';

export interface ImportPlan {
  persons: PlannedPerson[];
  outcomes: RowOutcome[];
  /** Row indexes where a grant was not applied over an opt-out. */
  consentKept: Set<number>;
  rejections: RowRejection[];
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
 * Decides the whole import in memory before anything is written: which rows are rejected,
 * which fold into an earlier row (the same number twice, including Brazil's two spellings of a
 * mobile), who is new, who exists (matched by phone), and which consent changes go to the ledger.
 */
export function planImport(rows: (ImportRow | RowRejection)[], known: Map<string, KnownContact>, newId: (phone: string) => Types.ObjectId): ImportPlan {
  const byPhone = new Map<string, PlannedPerson>();
  const persons: PlannedPerson[] = [];
  const outcomes: RowOutcome[] = [];
  const rejections: RowRejection[] = [];
  for (const row of rows) {
    if ('reason' in row) {
      rejections.push(row);
      outcomes.push('rejected');
      continue;
    }
    const same = byPhone.get(row.phone);
    if (same) {
      fold(same, row);
      outcomes.push('merged');
      continue;
    }
    const existing = known.get(row.phone) ?? null;
    const person: PlannedPerson = { id: existing?.id ?? newId(row.phone), existing, firstIndex: row.index, row, tags: new Set(row.tags), consentChange: null };
    byPhone.set(row.phone, person);
    persons.push(person);
    outcomes.push(existing ? 'updated' : 'created');
  }
  const consentKept = new Set<number>();
  for (const person of persons) {
    const current = { state: person.existing?.marketingConsent ?? 'unknown', updatedAt: person.existing?.consentUpdatedAt ?? null };
    const consent = person.row.consent;
    const decision = consentDecision(current, consent);
    if (decision === 'change' && consent) person.consentChange = { from: current.state, consent, entryId: new Types.ObjectId() };
    if (decision === 'kept') consentKept.add(person.firstIndex);
  }
  return { persons, outcomes, consentKept, rejections };
}

/** Exact counts for the rows up to `upto` (exclusive), for live progress and the final report. */
export function countOutcomes(plan: ImportPlan, upto: number): ImportCounts {
  const counts: ImportCounts = { created: 0, updated: 0, merged: 0, rejected: 0, consentKept: 0 };
  for (let i = 0; i < upto && i < plan.outcomes.length; i += 1) {
    const outcome = plan.outcomes[i];
    if (outcome) counts[outcome] += 1;
    if (plan.consentKept.has(i)) counts.consentKept += 1;
  }
  return counts;
}

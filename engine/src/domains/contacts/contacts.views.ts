import type { ConsentEntryView, ContactImportView, ContactListView, ContactView, SegmentView } from '@parley/common';
import type { ConsentEntry, CustomerDoc } from '../customers/index.js';
import type { ContactImportDoc } from './imports.model.js';
import type { ContactListDoc } from './lists.model.js';
import type { SegmentDoc } from './segments.model.js';

export function toContactView(doc: CustomerDoc): ContactView {
  return {
    id: String(doc._id),
    name: doc.name,
    phone: doc.phone,
    email: doc.email ?? null,
    country: doc.country ?? null,
    tags: doc.tags ?? [],
    listIds: doc.listIds ?? [],
    attributes: doc.attributes ?? {},
    marketingConsent: doc.marketingConsent,
    consentUpdatedAt: doc.consentUpdatedAt ? doc.consentUpdatedAt.toISOString() : null,
    unreachable: doc.unreachable,
    source: doc.source ?? 'inbound',
    createdAt: doc.createdAt.toISOString(),
  };
}

export function toConsentEntryView(doc: ConsentEntry): ConsentEntryView {
  return { id: String(doc._id), from: doc.from, to: doc.to, source: doc.source, evidence: doc.evidence, at: doc.at.toISOString() };
}

export function toListView(doc: ContactListDoc, memberCount: number): ContactListView {
  return { id: String(doc._id), name: doc.name, memberCount, createdAt: doc.createdAt.toISOString() };
}

export function toSegmentView(doc: SegmentDoc, count: SegmentView['count']): SegmentView {
  return { id: String(doc._id), name: doc.name, filter: doc.filter, count, createdAt: doc.createdAt.toISOString() };
}

export function toImportView(doc: ContactImportDoc): ContactImportView {
  return {
    id: String(doc._id),
    fileName: doc.fileName,
    status: doc.status,
    headers: doc.headers,
    sample: doc.sample.map((row) => row.cells),
    rowCount: doc.rowCount,
    mapping: doc.mapping,
    listId: doc.listId,
    processed: doc.processed,
    counts: doc.counts,
    error: doc.error,
    createdAt: doc.createdAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
  };
}

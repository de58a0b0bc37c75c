import { metadataOf } from '../state/numbers.js';
import type { NumberConfig } from '../state/settings.js';

/** One change to be delivered. Several can share a POST when batching is on (§1.3). */
export interface WebhookEvent {
  config: NumberConfig;
  field: string;
  kind: 'message' | 'status' | 'other';
  value: Record<string, unknown>;
  /** Virtual time the event was produced; non-messages fields carry it as `entry[].time`. */
  at: number;
  wamids: string[];
  /** wa_id or user_id the event is about, for per-recipient chaos. */
  recipient: string | null;
}

export type Json = Record<string, unknown>;

export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** `contacts[]` item: profile name, wa_id when the user shares a number, and the BSUID (§1.4). */
export function contactOf(name: string, waId: string | null, userId: string): Json {
  return { profile: { name }, ...(waId === null ? {} : { wa_id: waId }), user_id: userId };
}

export function messagesValue(config: NumberConfig, contacts: Json[], messages: Json[]): Json {
  return { messaging_product: 'whatsapp', metadata: metadataOf(config), contacts, messages };
}

export function statusesValue(config: NumberConfig, contacts: Json[], statuses: Json[]): Json {
  return { messaging_product: 'whatsapp', metadata: metadataOf(config), contacts, statuses };
}

/** §1.6 user_preferences: note `timestamp` is a number here, unlike the string in messages. */
export function userPreferencesValue(config: NumberConfig, waId: string, value: 'stop' | 'resume', at: number): Json {
  const detail = value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages';
  return {
    messaging_product: 'whatsapp',
    metadata: metadataOf(config),
    contacts: [{ wa_id: waId }],
    user_preferences: [{ wa_id: waId, detail, category: 'marketing_messages', value, timestamp: seconds(at) }],
  };
}

function contactKey(contact: unknown): string {
  if (typeof contact !== 'object' || contact === null) return '';
  const record: Json = { ...contact };
  return `${String(record.wa_id ?? '')}|${String(record.user_id ?? '')}`;
}

function listOf(value: Json, key: string): unknown[] {
  const list = value[key];
  return Array.isArray(list) ? list : [];
}

/** Merges a messages/statuses change into an existing one of the same number and kind. */
function merge(into: Json, value: Json, key: 'messages' | 'statuses'): void {
  const contacts = listOf(into, 'contacts');
  const known = new Set(contacts.map(contactKey));
  for (const contact of listOf(value, 'contacts')) {
    if (!known.has(contactKey(contact))) contacts.push(contact);
  }
  into.contacts = contacts;
  into[key] = [...listOf(into, key), ...listOf(value, key)];
}

/**
 * The §1.3 envelope: one entry per WABA, one change per event, except that messages (or statuses)
 * of the same number are merged into one change's arrays, as Meta does when it batches.
 */
export function envelope(events: WebhookEvent[]): Json {
  const entries = new Map<string, { id: string; time?: number; changes: Array<{ field: string; value: Json; merge?: string }> }>();
  for (const event of events) {
    const wabaId = event.config.wabaId;
    const entry = entries.get(wabaId) ?? { id: wabaId, changes: [] };
    entries.set(wabaId, entry);
    if (event.kind === 'other') entry.time = seconds(event.at);
    const mergeKey = event.kind === 'other' ? undefined : `${event.kind}|${event.config.phoneNumberId}`;
    const target = mergeKey === undefined ? undefined : entry.changes.find((change) => change.merge === mergeKey);
    if (target) merge(target.value, event.value, event.kind === 'message' ? 'messages' : 'statuses');
    else entry.changes.push({ field: event.field, value: structuredClone(event.value), merge: mergeKey });
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...entries.values()].map((entry) => ({
      id: entry.id,
      ...(entry.time === undefined ? {} : { time: entry.time }),
      changes: entry.changes.map((change) => ({ field: change.field, value: change.value })),
    })),
  };
}

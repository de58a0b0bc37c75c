import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** Phone number ids and WABA ids as Meta issues them (and as a channel is connected with). */
const WHATSAPP_ID = /^\d{5,20}$/;

export function isWhatsAppId(value: string): boolean {
  return WHATSAPP_ID.test(value);
}

const whatsAppIdSchema = z.string().regex(WHATSAPP_ID, 'digits only, 5 to 20 of them');

/**
 * Deepest nesting of arrays and objects a webhook body may have. Meta's deepest payloads (an
 * interactive reply inside a message inside a change inside an entry) are about eight levels;
 * refusing deeper ones before parsing keeps recursive work (hashing, storing) bounded.
 */
export const MAX_WEBHOOK_DEPTH = 32;

/** Loose shapes: Meta adds fields over time, so unknown keys pass; what we rely on is checked. */
const contactSchema = z.looseObject({ wa_id: z.string().optional(), user_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() });
const messageSchema = z.looseObject({ id: z.string().min(1), type: z.string(), timestamp: z.string().optional(), from: z.string().optional(), from_user_id: z.string().optional() });
const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'played', 'deleted']),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
const changeSchema = z.looseObject({
  field: z.string(),
  value: z.looseObject({
    metadata: z.looseObject({ phone_number_id: whatsAppIdSchema, display_phone_number: z.string().optional() }).optional(),
    contacts: z.array(contactSchema).optional(),
    messages: z.array(messageSchema).optional(),
    statuses: z.array(statusSchema).optional(),
  }),
});
export const envelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: whatsAppIdSchema, time: z.number().optional(), changes: z.array(changeSchema) })).min(1),
});

export type WebhookEnvelope = z.infer<typeof envelopeSchema>;

/**
 * The body of a webhook POST as an envelope, or a 4xx: not JSON (or nested deeper than
 * `MAX_WEBHOOK_DEPTH`: 400 MALFORMED_JSON), not a WhatsApp Business Account envelope (400
 * VALIDATION_FAILED). Never throws anything else, whatever the bytes.
 */
export function parseWebhookBody(raw: Buffer): WebhookEnvelope {
  if (nestingExceeds(raw, MAX_WEBHOOK_DEPTH)) throw new AppError('MALFORMED_JSON', `The body nests deeper than ${MAX_WEBHOOK_DEPTH} levels`);
  let json: unknown;
  let unstorable: string | null = null;
  // The last call of a reviver is for the whole value, under the empty key: one empty key is that.
  let emptyKeys = 0;
  // FerretDB 1.x stores no array directly inside an array (nor does Meta send one).
  let nestedArray = false;
  try {
    json = JSON.parse(raw.toString('utf8'), function (this: unknown, key: string, value: unknown) {
      if (Array.isArray(this) && Array.isArray(value)) nestedArray = true;
      else if (key === '') emptyKeys++;
      else if (unstorable === null && !Array.isArray(this) && !storableKey(key)) unstorable = key;
      return value;
    });
  } catch {
    throw new AppError('MALFORMED_JSON', 'The body is not valid JSON');
  }
  if (emptyKeys > 1) unstorable = '';
  if (nestedArray) throw AppError.validation([{ field: 'body', message: 'holds an array directly inside an array, which cannot be stored' }]);
  if (unstorable !== null) throw AppError.validation([{ field: 'body', message: `holds the key ${JSON.stringify(String(unstorable).slice(0, 40))}, which cannot be stored (empty, with a "." or starting with "$")` }]);
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw AppError.validation(parsed.error.issues.slice(0, 20).map((issue) => ({ field: ['body', ...issue.path.map(String)].join('.'), message: issue.message })));
  }
  return parsed.data;
}

/**
 * Keys the database refuses (a `.`, a leading `$`) or that FerretDB cannot hold (empty): Meta
 * sends none, and stored as they are they would fail the insert, a 500 that Meta retries for days.
 */
function storableKey(key: string): boolean {
  return !key.includes('.') && !key.startsWith('$');
}

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** One pass over the bytes, brackets inside strings not counted: linear, whatever they hold. */
export function nestingExceeds(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** When the item itself says it happened (seconds since the epoch), if it says so. */
export function itemTime(item: WebhookItem): number | null {
  const raw = item.kind === 'message' ? item.message.timestamp : item.kind === 'status' ? item.status.timestamp : item.time;
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

export type InboundMessage = z.infer<typeof messageSchema> & Record<string, unknown>;
export type StatusUpdate = z.infer<typeof statusSchema>;
export interface InboundContact {
  waId: string | null;
  userId: string | null;
  name: string | null;
}

export type WebhookItem =
  | { kind: 'message'; key: string; phoneNumberId: string; wabaId: string; message: InboundMessage; contact: InboundContact }
  | { kind: 'status'; key: string; phoneNumberId: string; wabaId: string; status: StatusUpdate }
  /** `time`: the entry's `time` (seconds), which template events are deduplicated and ordered by. */
  | { kind: 'event'; key: string; field: string; phoneNumberId: string | null; wabaId: string; value: Record<string, unknown>; time?: number };

/**
 * Flattens every entry, change, message and status of one POST into items with their dedupe
 * keys: inbound by wamid, statuses by wamid and status, other events by a hash of their content.
 */
export function flattenWebhook(envelope: WebhookEnvelope): WebhookItem[] {
  const items: WebhookItem[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const phoneNumberId = change.value.metadata?.phone_number_id ?? null;
      if (change.field === 'messages' && phoneNumberId) {
        items.push(...messageItems(change.value, phoneNumberId, entry.id));
        continue;
      }
      const hash = createHash('sha256').update(JSON.stringify([entry.time ?? null, change.value])).digest('hex').slice(0, 32);
      items.push({ kind: 'event', key: `evt:${change.field}:${hash}`, field: change.field, phoneNumberId, wabaId: entry.id, value: change.value, ...(entry.time === undefined ? {} : { time: entry.time }) });
    }
  }
  return items;
}

function messageItems(value: z.infer<typeof changeSchema>['value'], phoneNumberId: string, wabaId: string): WebhookItem[] {
  const items: WebhookItem[] = [];
  const contacts = value.contacts ?? [];
  for (const message of value.messages ?? []) {
    // Username users may come without wa_id: match the contact by whatever id both carry.
    const contact =
      contacts.find((c) => (c.wa_id && c.wa_id === message.from) || (c.user_id && c.user_id === message.from_user_id)) ?? contacts[0];
    items.push({
      kind: 'message',
      key: `msg:${message.id}`,
      phoneNumberId,
      wabaId,
      message: message as InboundMessage,
      contact: { waId: contact?.wa_id ?? message.from ?? null, userId: contact?.user_id ?? message.from_user_id ?? null, name: contact?.profile?.name ?? null },
    });
  }
  for (const status of value.statuses ?? []) {
    items.push({ kind: 'status', key: `st:${status.id}:${status.status}`, phoneNumberId, wabaId, status });
  }
  return items;
}

/** A readable line for any inbound message type, plus what the bot needs to act on it. */
export function describeInbound(message: InboundMessage): { text: string; replyId?: string; buttonText?: string; contextId?: string } {
  const field = (name: string): Record<string, unknown> => {
    const value = message[name];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  };
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  const contextId = str(field('context').id) || undefined;
  const base = contextId ? { contextId } : {};
  switch (message.type) {
    case 'text':
      return { ...base, text: str(field('text').body) };
    case 'interactive': {
      const interactive = field('interactive');
      const reply = (interactive.button_reply ?? interactive.list_reply ?? {}) as Record<string, unknown>;
      return { ...base, text: str(reply.title) || '[interactive reply]', replyId: str(reply.id) };
    }
    case 'button':
      return { ...base, text: str(field('button').text), buttonText: `${str(field('button').text)} ${str(field('button').payload)}`.trim() };
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return { ...base, text: str(field(message.type).caption) || `[${message.type}]` };
    case 'location': {
      const location = field('location');
      return { ...base, text: `[location] ${str(location.name) || ''} ${String(location.latitude ?? '')},${String(location.longitude ?? '')}`.trim() };
    }
    case 'reaction':
      return { ...base, text: str(field('reaction').emoji) ? `[reaction ${str(field('reaction').emoji)}]` : '[reaction removed]' };
    case 'contacts':
      return { ...base, text: '[contact card]' };
    case 'order':
      return { ...base, text: '[order]' };
    case 'system':
      return { ...base, text: `[system] ${str(field('system').body)}` };
    default:
      return { ...base, text: `[${message.type}]` };
  }
}

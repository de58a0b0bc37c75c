import { createHash } from 'node:crypto';
import { z } from 'zod';

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
    metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
    contacts: z.array(contactSchema).optional(),
    messages: z.array(messageSchema).optional(),
    statuses: z.array(statusSchema).optional(),
  }),
});
export const envelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: z.string(), time: z.number().optional(), changes: z.array(changeSchema) })).min(1),
});

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
export function flattenWebhook(envelope: z.infer<typeof envelopeSchema>): WebhookItem[] {
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

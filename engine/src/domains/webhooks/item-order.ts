import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';

/** Items that must keep their order share a key: one customer's messages, one send's statuses. */
export function orderKey(item: WebhookItem): string {
  if (item.kind === 'message') return `c:${item.contact.waId ?? item.contact.userId ?? item.key}`;
  if (item.kind === 'status') return `s:${item.status.id}`;
  return `e:${item.field}`;
}

/** Inbound messages first, in their timestamp order; statuses after the sends they update. */
export function inProcessingOrder(items: readonly WebhookItem[]): WebhookItem[] {
  return [...items].sort((a, b) => rank(a) - rank(b) || timestamp(a) - timestamp(b));
}

function rank(item: WebhookItem): number {
  return item.kind === 'message' ? 0 : item.kind === 'status' ? 1 : 2;
}

function timestamp(item: WebhookItem): number {
  if (item.kind === 'message') return Number(item.message.timestamp ?? 0);
  if (item.kind === 'status') return Number(item.status.timestamp ?? 0);
  return 0;
}

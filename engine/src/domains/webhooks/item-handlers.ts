import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';

export type ItemHandler<K extends WebhookItem['kind']> = (tenantId: string, item: Extract<WebhookItem, { kind: K }>) => Promise<void>;

export type AnyHandler = (tenantId: string, item: WebhookItem) => Promise<void>;

/** Items a domain recognises as its own go to its handler alone (see `WebhooksService.route`). */
export interface HandlerRoute {
  kind: WebhookItem['kind'];
  accepts: (item: WebhookItem) => boolean;
  handler: AnyHandler;
}

export class ItemTimeout extends Error {
  constructor(ms: number) {
    super(`processing took longer than ${ms} ms and was given up`);
    this.name = 'ItemTimeout';
  }
}

/** Rejects once `ms` pass; the work itself cannot be stopped, but the item's line moves on. */
export async function withinTimeLimit(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ItemTimeout(ms)), ms);
  });
  try {
    await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export function isKind<K extends WebhookItem['kind']>(kind: K, item: WebhookItem): item is Extract<WebhookItem, { kind: K }> {
  return item.kind === kind;
}

export function narrow<K extends WebhookItem['kind']>(kind: K, handler: ItemHandler<K>): AnyHandler {
  return async (tenantId, item) => {
    if (isKind(kind, item)) await handler(tenantId, item);
  };
}

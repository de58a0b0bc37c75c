import type { SimContext } from '../state/context.js';
import type { NumberConfig } from '../state/settings.js';
import type { Json } from './payloads.js';

/** Emits a non-messages change (template, quality, account events); these carry `entry[].time`. */
export function emitAccountEvent(ctx: SimContext, config: NumberConfig, field: string, value: Json): void {
  ctx.emitter.emit({ config, field, kind: 'other', value, at: ctx.clock.now(), wamids: [], recipient: null });
}

/** WABA-level events go to the app of the first number registered in that WABA. */
export function emitWabaEvent(ctx: SimContext, wabaId: string, field: string, value: Json): boolean {
  const [number] = ctx.numbers.byWaba(wabaId);
  if (!number) return false;
  emitAccountEvent(ctx, number.config, field, value);
  return true;
}

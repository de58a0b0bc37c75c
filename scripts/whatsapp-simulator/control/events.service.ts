import { z } from 'zod';
import { digitsOf } from '../core/phone.js';
import type { SimContext } from '../state/context.js';
import { metadataOf, type BusinessNumber } from '../state/numbers.js';
import { QUALITY, TIERS } from '../state/settings.js';
import { TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from '../templates/template-rules.js';
import type { TemplateRecord } from '../templates/templates.store.js';
import { setTemplateCategory, setTemplateQuality, setTemplateStatus } from '../templates/templates.service.js';
import { emitAccountEvent } from '../webhooks/account-events.js';
import { messagesValue, seconds, userPreferencesValue, type Json } from '../webhooks/payloads.js';
import { ControlError, numberFor } from './inbound.service.js';

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ControlError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  return parsed.data;
}

const templateRef = z.looseObject({ templateId: z.string().optional(), wabaId: z.string().optional(), name: z.string().optional(), language: z.string().optional() });

export function findTemplate(ctx: SimContext, body: unknown): TemplateRecord {
  const ref = parseBody(templateRef, body);
  const byId = ref.templateId === undefined ? undefined : ctx.templates.get(ref.templateId);
  const byName = ctx.templates.all().find(
    (t) => t.name === ref.name && (ref.language === undefined || t.language === ref.language) && (ref.wabaId === undefined || t.wabaId === ref.wabaId),
  );
  const template = byId ?? byName;
  if (!template) throw new ControlError('template not found (give templateId, or name and language)', 404);
  return template;
}

export function templateStatusEvent(ctx: SimContext, body: unknown): TemplateRecord {
  const template = findTemplate(ctx, body);
  const change = parseBody(
    z.object({
      event: z.enum(TEMPLATE_STATUSES),
      reason: z.string().nullable().optional(),
      rejection_info: z.record(z.string(), z.unknown()).optional(),
      other_info: z.record(z.string(), z.unknown()).optional(),
      disable_info: z.record(z.string(), z.unknown()).optional(),
    }),
    body,
  );
  setTemplateStatus(ctx, template, change.event, change);
  return template;
}

export function templateQualityEvent(ctx: SimContext, body: unknown): TemplateRecord {
  const template = findTemplate(ctx, body);
  setTemplateQuality(ctx, template, parseBody(z.object({ score: z.enum(QUALITY) }), body).score);
  return template;
}

export function templateCategoryEvent(ctx: SimContext, body: unknown): TemplateRecord {
  const template = findTemplate(ctx, body);
  setTemplateCategory(ctx, template, parseBody(z.object({ category: z.enum(TEMPLATE_CATEGORIES) }), body).category);
  return template;
}

/** `phone_number_quality_update`; a quality of RED switches on 131048 for business-initiated sends. */
export function phoneQualityEvent(ctx: SimContext, body: unknown): BusinessNumber {
  const input = parseBody(z.object({ phoneNumberId: z.string().optional(), event: z.string().default('UPGRADE'), tier: z.enum(TIERS).optional(), quality: z.enum(QUALITY).optional() }), body);
  const number = numberFor(ctx, input.phoneNumberId);
  const oldTier = number.config.tier;
  ctx.numbers.upsert({ phoneNumberId: number.config.phoneNumberId, ...(input.tier ? { tier: input.tier } : {}), ...(input.quality ? { quality: input.quality } : {}) });
  const tier = number.config.tier;
  emitAccountEvent(ctx, number.config, 'phone_number_quality_update', {
    display_phone_number: digitsOf(number.config.displayPhoneNumber),
    event: input.event,
    current_limit: tier,
    ...(oldTier === tier ? {} : { old_limit: oldTier }),
    max_daily_conversations_per_business: tier,
  });
  return number;
}

/** Free throughput upgrade: about a minute of 131057, then 1000 mps and a THROUGHPUT_UPGRADE event. */
export function startThroughputUpgrade(ctx: SimContext, phoneNumberId: string, durationMs = 60_000): BusinessNumber {
  const number = numberFor(ctx, phoneNumberId);
  number.upgradingUntil = ctx.clock.now() + durationMs;
  ctx.clock.setTimeout(() => {
    number.upgradingUntil = null;
    ctx.numbers.upsert({ phoneNumberId, throughput: 1000 });
    phoneQualityEvent(ctx, { phoneNumberId, event: 'THROUGHPUT_UPGRADE' });
  }, durationMs);
  return number;
}

export function wabaEvent(ctx: SimContext, field: string, body: unknown): Json {
  const input = parseBody(z.looseObject({ phoneNumberId: z.string().optional() }), body);
  const number = numberFor(ctx, input.phoneNumberId);
  const { phoneNumberId: _ignored, ...value } = input;
  const filled: Json = field === 'business_capability_update' ? { max_daily_conversations_per_business: number.config.tier, ...value } : value;
  if (field === 'account_update' && typeof filled.event !== 'string') throw new ControlError('event is required');
  emitAccountEvent(ctx, number.config, field, filled);
  return filled;
}

export function rawEvent(ctx: SimContext, body: unknown): Json {
  const input = parseBody(z.object({ phoneNumberId: z.string().optional(), field: z.string().min(1), value: z.record(z.string(), z.unknown()) }), body);
  const number = numberFor(ctx, input.phoneNumberId);
  const kind = input.field === 'messages' ? 'message' : 'other';
  ctx.emitter.emit({ config: number.config, field: input.field, kind, value: input.value, at: ctx.clock.now(), wamids: [], recipient: null });
  return input.value;
}

/**
 * A marketing opt-out or resume made inside WhatsApp (§5). `legacy` sends the older rollout's
 * `system` message (`user_preference_changed`) instead of the `user_preferences` field.
 */
export function userPreferenceEvent(ctx: SimContext, body: unknown): Json {
  const input = parseBody(z.object({ phoneNumberId: z.string().optional(), from: z.string().min(1), value: z.enum(['stop', 'resume']), legacy: z.boolean().default(false) }), body);
  const number = numberFor(ctx, input.phoneNumberId);
  const user = ctx.users.ensureByWaId(digitsOf(input.from));
  const now = ctx.clock.now();
  ctx.users.thread(number.config.phoneNumberId, user, ctx.settings.pairRate, now).marketing = input.value;
  const waId = user.waId ?? digitsOf(input.from);
  const value = input.legacy ? legacyPreference(ctx, number, waId, input.value, now) : userPreferencesValue(number.config, waId, input.value, now);
  ctx.emitter.emit({ config: number.config, field: input.legacy ? 'messages' : 'user_preferences', kind: input.legacy ? 'message' : 'other', value, at: now, wamids: [], recipient: waId });
  return value;
}

function legacyPreference(ctx: SimContext, number: BusinessNumber, waId: string, value: 'stop' | 'resume', now: number): Json {
  const body = value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages';
  const message = { from: waId, id: ctx.ids.wamid(waId, 'in'), timestamp: String(seconds(now)), type: 'system', system: { type: 'user_preference_changed', marketing: value, body } };
  return { ...messagesValue(number.config, [{ wa_id: waId }], [message]), metadata: metadataOf(number.config) };
}

import { GraphError } from '../graph/errors.js';
import { parseOr } from '../graph/send.schemas.js';
import type { SimContext } from '../state/context.js';
import { emitWabaEvent } from '../webhooks/account-events.js';
import type { Json } from '../webhooks/payloads.js';
import { z } from 'zod';
import {
  createTemplateSchema, reviewFindings, templateComponentSchema, TEMPLATE_CATEGORIES, validateTemplateComponents,
  type TemplateCategory, type TemplateStatus,
} from './template-rules.js';
import { checkHeaderSample } from './template-samples.js';
import type { TemplateRecord } from './templates.store.js';

export interface StatusChange {
  reason?: string | null;
  rejection_info?: Json;
  other_info?: Json;
  disable_info?: Json;
}

/** Emits `message_template_status_update`; the id is a number in this webhook (§1.6). */
export function setTemplateStatus(ctx: SimContext, template: TemplateRecord, event: TemplateStatus, change: StatusChange = {}): void {
  const wasEdit = template.editPending;
  if (event !== 'PENDING') template.editPending = false;
  if (event !== 'DELETED' && event !== 'PENDING_DELETION') template.status = event === 'REINSTATED' ? 'APPROVED' : event;
  template.rejectedReason = event === 'REJECTED' ? (change.reason ?? 'INVALID_FORMAT') : 'NONE';
  const value: Json = {
    event,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason: change.reason === undefined ? (event === 'REJECTED' ? template.rejectedReason : 'NONE') : change.reason,
    message_template_category: template.category,
  };
  if (change.rejection_info) value.rejection_info = change.rejection_info;
  if (change.other_info) value.other_info = change.other_info;
  if (change.disable_info) value.disable_info = change.disable_info;
  emitWabaEvent(ctx, template.wabaId, 'message_template_status_update', value);
  if (wasEdit && event === 'APPROVED') emitComponentsUpdate(ctx, template);
}

function emitComponentsUpdate(ctx: SimContext, template: TemplateRecord): void {
  const body = template.components.find((component) => component.type === 'BODY');
  const footer = template.components.find((component) => component.type === 'FOOTER');
  emitWabaEvent(ctx, template.wabaId, 'message_template_components_update', {
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    message_template_element: body?.text ?? '',
    ...(footer?.text ? { message_template_footer: footer.text } : {}),
  });
}

/** Review: auto-approve unless the body breaks the common INVALID_FORMAT rules. */
export function reviewTemplate(ctx: SimContext, template: TemplateRecord): void {
  if (template.status !== 'PENDING' || !ctx.templates.get(template.id)) return;
  const finding = template.category === 'AUTHENTICATION' ? null : reviewFindings(template.components);
  if (finding) setTemplateStatus(ctx, template, 'REJECTED', { reason: 'INVALID_FORMAT', rejection_info: finding });
  else setTemplateStatus(ctx, template, 'APPROVED');
}

function scheduleReview(ctx: SimContext, template: TemplateRecord): void {
  const delay = ctx.settings.templateReviewMs;
  if (delay !== null) ctx.clock.setTimeout(() => reviewTemplate(ctx, template), delay);
}

export interface CreateOptions {
  status?: TemplateStatus;
  /**
   * The token of a Graph call: a media header's sample must be a handle it uploaded. Templates
   * seeded through the control API (as if made in WhatsApp Manager) are not asked for one.
   */
  uploadedWith?: string;
}

/** `POST /{waba-id}/message_templates` (§3.1): answers PENDING, the review comes by webhook. */
export function createTemplate(ctx: SimContext, wabaId: string, body: unknown, options: CreateOptions = {}): TemplateRecord {
  const status = options.status ?? 'PENDING';
  const input = parseOr(createTemplateSchema, body, '');
  validateTemplateComponents(input);
  if (options.uploadedWith !== undefined) checkHeaderSample(ctx, input.components, options.uploadedWith);
  const template = ctx.templates.create(wabaId, input, ctx.clock.now(), status);
  if (status === 'PENDING') scheduleReview(ctx, template);
  return template;
}

const editSchema = z.object({
  components: z.array(templateComponentSchema).min(1).optional(),
  category: z.string().transform((value) => value.toUpperCase()).pipe(z.enum(TEMPLATE_CATEGORIES)).optional(),
});

/** `POST /{template-id}`: every edit sends the template back to review (§3.2). */
export function editTemplate(ctx: SimContext, template: TemplateRecord, body: unknown, uploadedWith: string): void {
  const change = parseOr(editSchema, body, '');
  if (change.components) {
    validateTemplateComponents({
      name: template.name, language: template.language, category: change.category ?? template.category,
      parameter_format: template.parameterFormat, components: change.components,
    });
    checkHeaderSample(ctx, change.components, uploadedWith);
  }
  ctx.templates.edit(template, change, ctx.clock.now());
  scheduleReview(ctx, template);
}

export function deleteTemplates(ctx: SimContext, wabaId: string, name: unknown, hsmId: unknown): void {
  if (typeof name !== 'string' || name.length === 0) throw new GraphError(100, 'The parameter name is required.');
  const victims = ctx.templates.delete(wabaId, name, typeof hsmId === 'string' ? hsmId : undefined, ctx.clock.now());
  for (const template of victims) setTemplateStatus(ctx, template, 'DELETED');
}

export function setTemplateQuality(ctx: SimContext, template: TemplateRecord, score: TemplateRecord['qualityScore']): void {
  const previous = template.qualityScore;
  template.qualityScore = score;
  emitWabaEvent(ctx, template.wabaId, 'message_template_quality_update', {
    previous_quality_score: previous,
    new_quality_score: score,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
  });
}

/** Meta may re-categorise a template; charges follow the category at time of use. */
export function setTemplateCategory(ctx: SimContext, template: TemplateRecord, category: TemplateCategory): void {
  const previous = template.category;
  template.category = category;
  emitWabaEvent(ctx, template.wabaId, 'template_category_update', {
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    previous_category: previous,
    new_category: category,
  });
}

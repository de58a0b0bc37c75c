import { z } from 'zod';
import { idSchema } from './common.schema.js';
import type { TemplateSummary } from './conversations.schema.js';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Meta's statuses (whatsapp-cloud-api.md §3.2), plus DRAFT for a template kept only in Parley. */
export const TEMPLATE_STATUSES = [
  'DRAFT',
  'PENDING',
  'APPROVED',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'FLAGGED',
  'LOCKED',
  'ARCHIVED',
  'PENDING_DELETION',
  'LIMIT_EXCEEDED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** Meta lets only these be edited; every edit goes back to review. A draft is Parley's own. */
export const EDITABLE_TEMPLATE_STATUSES: readonly TemplateStatus[] = ['DRAFT', 'APPROVED', 'REJECTED', 'PAUSED'];

export const TEMPLATE_QUALITIES = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type TemplateQuality = (typeof TEMPLATE_QUALITIES)[number];

export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
export type ParameterFormat = (typeof PARAMETER_FORMATS)[number];

export const TEMPLATE_BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'] as const;
export const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;

/**
 * Example values by parameter: `{ "1": "Ana" }` (positional) or `{ "first_name": "Ana" }` (named).
 * Keys are checked by the linter, which explains a bad one better than a schema could.
 */
const examplesSchema = z.record(z.string().max(40), z.string().max(1024)).default({});

/**
 * The shapes are checked here; the WhatsApp rules (lengths, parameter order, examples) are the
 * linter's, so that the form and the engine explain every problem with the same words.
 */
export const templateHeaderSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('TEXT'), text: z.string().max(2000), examples: examplesSchema }).strict(),
  /** A media header needs a sample: a resumable-upload handle (Meta) or a public link. */
  z.object({ format: z.enum(MEDIA_HEADER_FORMATS), example: z.string().max(2000).default('') }).strict(),
]);
export type TemplateHeader = z.infer<typeof templateHeaderSchema>;

export const templateButtonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: z.string().max(200) }).strict(),
  /** `url` may end with one `{{1}}`; `example` is then the full URL with a sample value. */
  z.object({ type: z.literal('URL'), text: z.string().max(200), url: z.string().max(2000), example: z.string().max(2000).default('') }).strict(),
  z.object({ type: z.literal('PHONE_NUMBER'), text: z.string().max(200), phoneNumber: z.string().max(40) }).strict(),
  /** WhatsApp shows its own "Copy offer code" label; `example` is a sample code. */
  z.object({ type: z.literal('COPY_CODE'), example: z.string().max(200) }).strict(),
]);
export type TemplateButton = z.infer<typeof templateButtonSchema>;

/** A template as people write it; the engine turns it into Graph components. */
export const templateContentSchema = z
  .object({
    parameterFormat: z.enum(PARAMETER_FORMATS).default('POSITIONAL'),
    header: templateHeaderSchema.nullable().default(null),
    body: z.object({ text: z.string().max(8000), examples: examplesSchema }).strict(),
    footer: z.string().max(2000).nullable().default(null),
    buttons: z.array(templateButtonSchema).max(20).default([]),
  })
  .strict();
export type TemplateContent = z.infer<typeof templateContentSchema>;

export const createTemplateBodySchema = templateContentSchema
  .extend({
    name: z.string().max(600),
    /** Meta's locale codes: `en`, `en_US`, `pt_BR`. */
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code such as en or en_US'),
    category: z.enum(TEMPLATE_CATEGORIES),
    /** Submit to WhatsApp at once; false keeps it as a draft in Parley. */
    submit: z.boolean().default(false),
  })
  .strict();
export type CreateTemplateBody = z.infer<typeof createTemplateBodySchema>;

/** Name and language identify a template at WhatsApp and cannot change; the rest can. */
export const updateTemplateBodySchema = templateContentSchema
  .extend({ category: z.enum(TEMPLATE_CATEGORIES), submit: z.boolean().default(false) })
  .strict();
export type UpdateTemplateBody = z.infer<typeof updateTemplateBodySchema>;

export const templateIdParamsSchema = z.object({ id: idSchema }).strict();

/** Why WhatsApp rejected, paused or disabled a template, in its own words. */
export interface TemplateStatusReason {
  code: string | null;
  text: string | null;
}

/**
 * One value a send must supply. Keys: the body's own token (`1`, `first_name`), `header:<token>`
 * for the header and `button:<index>` for a URL button's suffix.
 */
export interface TemplateVariable {
  key: string;
  where: 'header' | 'body' | 'button';
  /** `{{1}}`, `{{first_name}}`, or the button's text. */
  label: string;
  example: string;
}

/** A template as Parley keeps it; `body` and `parameters` (body only) are what the inbox picker uses. */
export interface TemplateView extends TemplateSummary {
  /** WhatsApp's template id (hsm_id); null for a draft. */
  graphId: string | null;
  wabaId: string;
  category: TemplateCategory;
  status: TemplateStatus;
  quality: TemplateQuality;
  reason: TemplateStatusReason | null;
  /** Every value a send needs: body, header and URL button. */
  variables: TemplateVariable[];
  content: TemplateContent;
  editable: boolean;
  updatedAt: string;
  submittedAt: string | null;
}

/** Values for a send, by `TemplateVariable.key`. */
export type TemplateValues = Record<string, string>;

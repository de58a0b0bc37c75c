import { z } from 'zod';
import { GraphError } from '../graph/errors.js';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const TEMPLATE_STATUSES = [
  'APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'FLAGGED', 'LOCKED', 'ARCHIVED',
  'PENDING_DELETION', 'DELETED', 'LIMIT_EXCEEDED', 'REINSTATED',
] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

const upper = <const T extends readonly [string, ...string[]]>(values: T) => z.string().transform((v) => v.toUpperCase()).pipe(z.enum(values));

export const templateButtonSchema = z.looseObject({
  type: upper(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL', 'SPM']),
  text: z.string().max(25, 'button text must be at most 25 characters').optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
});

export const templateComponentSchema = z.looseObject({
  type: upper(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']),
  format: upper(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']).optional(),
  text: z.string().optional(),
  example: z.record(z.string(), z.unknown()).optional(),
  buttons: z.array(templateButtonSchema).max(10, 'at most 10 buttons').optional(),
});
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

export const createTemplateSchema = z.object({
  name: z.string().max(512).regex(/^[a-z0-9_]+$/, 'name may contain only lowercase letters, digits and underscores'),
  language: z.string().min(2),
  category: upper(TEMPLATE_CATEGORIES),
  parameter_format: upper(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
  components: z.array(templateComponentSchema).min(1),
  allow_category_change: z.boolean().optional(),
});
export type CreateTemplateInput = z.infer<typeof createTemplateSchema>;

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Placeholder tokens in order of appearance: `['1', '2']` or `['first_name']`. */
export function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

function reject(details: string): never {
  throw new GraphError(100, details);
}

function checkTokens(where: string, tokens: string[], format: 'POSITIONAL' | 'NAMED'): void {
  if (format === 'NAMED') {
    // Named parameters are lowercase letters and underscores (whatsapp-api-js checks ^[a-z_]{1,20}$).
    const bad = tokens.find((token) => !/^[a-z_]{1,20}$/.test(token));
    if (bad !== undefined) reject(`${where}: named parameter "{{${bad}}}" must match ^[a-z_]{1,20}$`);
    return;
  }
  const unique = [...new Set(tokens)];
  const sequential = unique.every((token, i) => token === String(i + 1));
  if (!sequential) reject(`${where}: positional parameters must be {{1}}..{{${unique.length}}} in sequence`);
}

function exampleCount(component: TemplateComponent, format: 'POSITIONAL' | 'NAMED'): number {
  const example = component.example ?? {};
  const key = component.type === 'HEADER' ? 'header_text' : 'body_text';
  const value = format === 'NAMED' ? example[`${key}_named_params`] : example[key];
  if (!Array.isArray(value)) return 0;
  // Positional body examples are an array of arrays (one inner array per sample).
  if (format === 'POSITIONAL' && component.type === 'BODY') {
    const first: unknown = value[0];
    return Array.isArray(first) ? first.length : 0;
  }
  return value.length;
}

function checkTextComponent(component: TemplateComponent, format: 'POSITIONAL' | 'NAMED', max: number): void {
  const where = component.type;
  if (component.text === undefined) reject(`${where}: text is required`);
  if (component.text.length > max) reject(`${where}: text must be at most ${max} characters`);
  const tokens = placeholders(component.text);
  checkTokens(where, tokens, format);
  const needed = new Set(tokens).size;
  if (needed > 0 && exampleCount(component, format) < needed) {
    reject(`${where}: an example value is required for each of the ${needed} parameters`);
  }
}

/** §3.1 rules: component presence, lengths, placeholder syntax and examples. */
export function validateTemplateComponents(input: CreateTemplateInput): void {
  const byType = (type: string) => input.components.filter((component) => component.type === type);
  for (const type of ['HEADER', 'BODY', 'FOOTER', 'BUTTONS']) {
    if (byType(type).length > 1) reject(`components: at most one ${type}`);
  }
  const [body] = byType('BODY');
  if (!body) reject('components: a BODY component is required');
  checkTextComponent(body, input.parameter_format, 1024);
  const [header] = byType('HEADER');
  if (header && (header.format ?? 'TEXT') === 'TEXT') checkTextComponent(header, input.parameter_format, 60);
  const [footer] = byType('FOOTER');
  if (footer && (footer.text ?? '').length > 60) reject('FOOTER: text must be at most 60 characters');
  const [buttons] = byType('BUTTONS');
  if (buttons && (buttons.buttons ?? []).length === 0) reject('BUTTONS: at least one button is required');
}

/**
 * What a reviewer would reject: variables at the very start or end of the body, or two variables
 * next to each other, are the common INVALID_FORMAT reasons (§3.1).
 */
export function reviewFindings(components: TemplateComponent[]): { reason: string; recommendation: string } | null {
  const body = components.find((component) => component.type === 'BODY')?.text?.trim() ?? '';
  if (/^\{\{[^}]+\}\}/.test(body) || /\{\{[^}]+\}\}$/.test(body)) {
    return { reason: 'Variable parameters are placed at the beginning or end of the message.', recommendation: 'Add text before the first and after the last parameter.' };
  }
  if (/\}\}\s*\{\{/.test(body)) {
    return { reason: 'Parameters placed next to each other.', recommendation: 'Separate parameters with text.' };
  }
  return null;
}

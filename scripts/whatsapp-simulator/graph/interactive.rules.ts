import { z } from 'zod';
import { GraphError } from './errors.js';
import { parseOr } from './send.schemas.js';

/** §2.2 limits. Violations are 131009 with the field named in `error_data.details` (§7.2.3). */
const LIMITS = { body: 4096, header: 60, footer: 60, buttons: 3, buttonTitle: 20, buttonId: 256, listButton: 20, sections: 10, rows: 10, rowId: 200, rowTitle: 24, rowDescription: 72, sectionTitle: 24, ctaText: 20 };

const textPart = z.looseObject({ text: z.string() });
const interactiveSchema = z.looseObject({
  type: z.string(),
  header: z.looseObject({ type: z.string(), text: z.string().optional() }).optional(),
  body: textPart.optional(),
  footer: textPart.optional(),
  action: z.looseObject({}).optional(),
});

const buttonsSchema = z.array(z.looseObject({ type: z.literal('reply'), reply: z.looseObject({ id: z.string(), title: z.string() }) }));
const sectionsSchema = z.array(
  z.looseObject({
    title: z.string().optional(),
    rows: z.array(z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })).default([]),
  }),
);
const ctaSchema = z.looseObject({ name: z.literal('cta_url'), parameters: z.looseObject({ display_text: z.string(), url: z.url() }) });

function invalid(details: string): never {
  throw new GraphError(131009, details);
}

function within(value: string | undefined, field: string, max: number, min = 0): void {
  const length = value === undefined ? 0 : [...value].length;
  if (length > max || length < min) invalid(`${field}: length must be between ${min} and ${max}, got ${length}`);
}

function unique(values: string[], field: string): void {
  if (new Set(values).size !== values.length) invalid(`${field} must be unique`);
}

function checkButtons(action: Record<string, unknown>): void {
  const buttons = parseOr(buttonsSchema, action.buttons, 'interactive.action.buttons');
  if (buttons.length < 1 || buttons.length > LIMITS.buttons) invalid(`interactive.action.buttons: between 1 and ${LIMITS.buttons} buttons, got ${buttons.length}`);
  buttons.forEach((button, i) => {
    within(button.reply.title, `interactive.action.buttons[${i}].reply.title`, LIMITS.buttonTitle, 1);
    within(button.reply.id, `interactive.action.buttons[${i}].reply.id`, LIMITS.buttonId, 1);
  });
  unique(buttons.map((button) => button.reply.id), 'interactive.action.buttons[].reply.id');
  unique(buttons.map((button) => button.reply.title), 'interactive.action.buttons[].reply.title');
}

function checkList(action: Record<string, unknown>): void {
  within(typeof action.button === 'string' ? action.button : undefined, 'interactive.action.button', LIMITS.listButton, 1);
  const sections = parseOr(sectionsSchema, action.sections, 'interactive.action.sections');
  if (sections.length < 1 || sections.length > LIMITS.sections) invalid(`interactive.action.sections: between 1 and ${LIMITS.sections} sections`);
  const rows = sections.flatMap((section) => section.rows);
  if (rows.length < 1 || rows.length > LIMITS.rows) invalid(`interactive.action.sections: between 1 and ${LIMITS.rows} rows in total, got ${rows.length}`);
  sections.forEach((section, s) => {
    if (sections.length > 1 && !section.title) invalid(`interactive.action.sections[${s}].title is required when there are several sections`);
    within(section.title, `interactive.action.sections[${s}].title`, LIMITS.sectionTitle);
    section.rows.forEach((row, r) => {
      const at = `interactive.action.sections[${s}].rows[${r}]`;
      within(row.id, `${at}.id`, LIMITS.rowId, 1);
      within(row.title, `${at}.title`, LIMITS.rowTitle, 1);
      within(row.description, `${at}.description`, LIMITS.rowDescription);
    });
  });
  unique(rows.map((row) => row.id), 'interactive.action.sections[].rows[].id');
}

function checkCtaUrl(action: Record<string, unknown>): void {
  const cta = parseOr(ctaSchema, action, 'interactive.action');
  within(cta.parameters.display_text, 'interactive.action.parameters.display_text', LIMITS.ctaText, 1);
}

const OTHER_TYPES = ['flow', 'location_request_message', 'product', 'product_list', 'catalog_message', 'call_permission_request'];

export function checkInteractive(value: unknown): void {
  const interactive = parseOr(interactiveSchema, value, 'interactive');
  within(interactive.header?.text, 'interactive.header.text', LIMITS.header);
  within(interactive.footer?.text, 'interactive.footer.text', LIMITS.footer);
  within(interactive.body?.text, 'interactive.body.text', LIMITS.body);
  const action = interactive.action ?? {};
  if (['button', 'list', 'cta_url'].includes(interactive.type) && !interactive.body?.text) {
    throw new GraphError(131008, 'interactive.body.text is required');
  }
  if (interactive.type === 'button') return checkButtons(action);
  if (interactive.type === 'list') return checkList(action);
  if (interactive.type === 'cta_url') return checkCtaUrl(action);
  if (!OTHER_TYPES.includes(interactive.type)) throw new GraphError(100, `interactive.type: unsupported interactive type ${interactive.type}`);
}

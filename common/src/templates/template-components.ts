import { MEDIA_HEADER_FORMATS, type ParameterFormat, type TemplateButton, type TemplateContent, type TemplateHeader } from '../schemas/templates.schema.js';
import { uniqueTokens, urlVariable } from './template-parameters.js';

/** A component of Meta's template API (§3.1), as JSON. */
export type GraphComponent = Record<string, unknown>;

function textExample(key: 'header_text' | 'body_text', text: string, examples: Record<string, string>, format: ParameterFormat): Record<string, unknown> | null {
  const tokens = uniqueTokens(text);
  if (tokens.length === 0) return null;
  if (format === 'NAMED') return { [`${key}_named_params`]: tokens.map((token) => ({ param_name: token, example: examples[token] ?? '' })) };
  const values = tokens.map((token) => examples[token] ?? '');
  // Positional body examples are one sample row (an array of arrays); header examples are flat.
  return { [key]: key === 'body_text' ? [values] : values };
}

function headerComponent(header: TemplateHeader, format: ParameterFormat): GraphComponent {
  if (header.format !== 'TEXT') return { type: 'HEADER', format: header.format, example: { header_handle: [header.example] } };
  const example = textExample('header_text', header.text, header.examples, format);
  return { type: 'HEADER', format: 'TEXT', text: header.text, ...(example ? { example } : {}) };
}

function buttonComponent(button: TemplateButton): Record<string, unknown> {
  switch (button.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: button.text };
    case 'URL':
      return { type: 'URL', text: button.text, url: button.url, ...(urlVariable(button.url) !== null ? { example: [button.example] } : {}) };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber.replace(/[\s()-]/g, '') };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: button.example };
  }
}

/** The `components` of a create or edit request. */
export function toGraphComponents(content: TemplateContent): GraphComponent[] {
  const components: GraphComponent[] = [];
  if (content.header) components.push(headerComponent(content.header, content.parameterFormat));
  const example = textExample('body_text', content.body.text, content.body.examples, content.parameterFormat);
  components.push({ type: 'BODY', text: content.body.text, ...(example ? { example } : {}) });
  if (content.footer !== null) components.push({ type: 'FOOTER', text: content.footer });
  if (content.buttons.length > 0) components.push({ type: 'BUTTONS', buttons: content.buttons.map(buttonComponent) });
  return components;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function examplesFrom(key: 'header_text' | 'body_text', source: string, example: unknown): Record<string, string> {
  const sample = record(example);
  const named = list(sample[`${key}_named_params`]).map(record);
  if (named.length > 0) return Object.fromEntries(named.map((param) => [text(param.param_name), text(param.example)]));
  const raw = list(sample[key]);
  const values = key === 'body_text' ? list(raw[0]) : raw;
  return Object.fromEntries(uniqueTokens(source).map((token, index) => [token, text(values[index])]));
}

function headerFrom(component: Record<string, unknown>): TemplateHeader | null {
  const format = text(component.format).toUpperCase() || 'TEXT';
  if (format === 'TEXT') {
    const source = text(component.text);
    return { format: 'TEXT', text: source, examples: examplesFrom('header_text', source, component.example) };
  }
  const media = MEDIA_HEADER_FORMATS.find((candidate) => candidate === format);
  // A LOCATION header has no sample and is not edited here: it is kept as WhatsApp has it.
  return media ? { format: media, example: text(list(record(component.example).header_handle)[0]) } : null;
}

function buttonFrom(raw: unknown): TemplateButton | null {
  const button = record(raw);
  const type = text(button.type).toUpperCase();
  if (type === 'QUICK_REPLY') return { type, text: text(button.text) };
  if (type === 'URL') return { type, text: text(button.text), url: text(button.url), example: text(list(button.example)[0]) };
  if (type === 'PHONE_NUMBER') return { type, text: text(button.text), phoneNumber: text(button.phone_number) };
  if (type === 'COPY_CODE') return { type, example: text(Array.isArray(button.example) ? button.example[0] : button.example) };
  return null;
}

/** Reads components as WhatsApp lists them (templates made in WhatsApp Manager included). */
export function fromGraphComponents(components: unknown, parameterFormat: ParameterFormat): TemplateContent {
  const byType = (type: string) => list(components).map(record).find((component) => text(component.type).toUpperCase() === type);
  const header = byType('HEADER');
  const body = byType('BODY') ?? {};
  const footer = byType('FOOTER');
  const bodyText = text(body.text);
  return {
    parameterFormat,
    header: header ? headerFrom(header) : null,
    body: { text: bodyText, examples: examplesFrom('body_text', bodyText, body.example) },
    footer: footer ? text(footer.text) : null,
    buttons: list(byType('BUTTONS')?.buttons).map(buttonFrom).filter((button): button is TemplateButton => button !== null),
  };
}

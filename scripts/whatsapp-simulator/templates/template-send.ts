import { z } from 'zod';
import { GraphError } from '../graph/errors.js';
import { placeholders } from './template-rules.js';
import type { TemplateRecord } from './templates.store.js';

const parameterSchema = z.looseObject({
  type: z.string(),
  parameter_name: z.string().optional(),
  text: z.string().optional(),
  payload: z.string().optional(),
});
type SendParameter = z.infer<typeof parameterSchema>;

const sendComponentSchema = z.looseObject({
  type: z.string().transform((value) => value.toLowerCase()),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(parameterSchema).default([]),
});

export const sendTemplateSchema = z.looseObject({
  name: z.string().min(1),
  language: z.looseObject({ code: z.string().min(1), policy: z.string().optional() }),
  components: z.array(sendComponentSchema).default([]),
});
export type SendTemplate = z.infer<typeof sendTemplateSchema>;

/** §7.2.2: only APPROVED templates can be sent; paused and disabled ones have their own codes. */
export function checkTemplateStatus(template: TemplateRecord | undefined, name: string, language: string): TemplateRecord {
  if (!template) throw new GraphError(132001, `template name (${name}) does not exist in ${language}`);
  if (template.status === 'PAUSED') throw new GraphError(132015, `Template ${name} is paused due to low quality`);
  if (template.status === 'DISABLED') throw new GraphError(132016, `Template ${name} has been disabled due to low quality`);
  if (template.status !== 'APPROVED') throw new GraphError(132001, `template name (${name}) is ${template.status}, not approved, in ${language}`);
  return template;
}

function checkValue(where: string, param: SendParameter): void {
  if (param.type === 'text') {
    if (!param.text) throw new GraphError(131008, `${where}: the text parameter is missing`);
    // Meta refuses line breaks, tabs and long runs of spaces inside a template variable.
    if (/[\n\t]| {5,}/.test(param.text)) {
      throw new GraphError(132018, `${where}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces`);
    }
    return;
  }
  if (param.type === 'currency' || param.type === 'date_time') {
    const value = param[param.type];
    const fallback = typeof value === 'object' && value !== null && 'fallback_value' in value;
    if (!fallback) throw new GraphError(131008, `${where}: ${param.type}.fallback_value is required`);
    return;
  }
  throw new GraphError(132012, `${where}: parameter type ${param.type} does not match a text variable`);
}

function checkTextParams(where: string, tokens: string[], params: SendParameter[], named: boolean): void {
  const expected = [...new Set(tokens)];
  if (params.length !== expected.length) {
    throw new GraphError(132000, `${where}: number of localizable_params (${params.length}) does not match the expected number of params (${expected.length})`);
  }
  params.forEach((param, i) => checkValue(`${where}.parameters[${i}]`, param));
  if (!named) return;
  const names = params.map((param) => param.parameter_name);
  if (names.some((name) => name === undefined)) {
    throw new GraphError(100, `${where}: every parameter of a NAMED template needs parameter_name`);
  }
  const missing = expected.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new GraphError(132000, `${where}: missing parameters ${missing.join(', ')}`);
}

function checkHeader(template: TemplateRecord, send: SendTemplate): void {
  const header = template.components.find((component) => component.type === 'HEADER');
  const sent = send.components.filter((component) => component.type === 'header');
  if (sent.length > 1) throw new GraphError(100, 'components: at most one header component');
  const params = sent[0]?.parameters ?? [];
  if (!header) {
    if (params.length > 0) throw new GraphError(132000, 'header: the template has no header parameters');
    return;
  }
  const format = header.format ?? 'TEXT';
  if (format === 'TEXT') return checkTextParams('header', placeholders(header.text), params, template.parameterFormat === 'NAMED');
  const [media] = params;
  if (params.length !== 1 || !media) throw new GraphError(132000, `header: a ${format} header needs exactly 1 parameter`);
  const expected = format.toLowerCase();
  if (media.type !== expected) throw new GraphError(132012, `header: expected a ${expected} parameter, got ${media.type}`);
  const object = media[expected];
  const usable = typeof object === 'object' && object !== null && ('link' in object || 'id' in object || expected === 'location');
  if (!usable) throw new GraphError(131008, `header: ${expected}.link or ${expected}.id is required`);
}

function checkBody(template: TemplateRecord, send: SendTemplate): void {
  const body = template.components.find((component) => component.type === 'BODY');
  const sent = send.components.filter((component) => component.type === 'body');
  if (sent.length > 1) throw new GraphError(100, 'components: at most one body component');
  checkTextParams('body', placeholders(body?.text), sent[0]?.parameters ?? [], template.parameterFormat === 'NAMED');
}

const SUB_TYPES: Record<string, string> = {
  QUICK_REPLY: 'quick_reply', URL: 'url', OTP: 'url', COPY_CODE: 'copy_code', FLOW: 'flow', CATALOG: 'catalog', MPM: 'mpm', VOICE_CALL: 'voice_call',
};

/** Buttons whose value comes from the send: a URL with `{{1}}`, or an authentication OTP button. */
function needsParameter(button: { type: string; url?: string | undefined }): boolean {
  return button.type === 'OTP' || (button.type === 'URL' && placeholders(button.url).length > 0);
}

function checkButtons(template: TemplateRecord, send: SendTemplate): void {
  const buttons = template.components.find((component) => component.type === 'BUTTONS')?.buttons ?? [];
  const seen = new Set<number>();
  for (const component of send.components.filter((c) => c.type === 'button')) {
    const index = Number(component.index);
    const button = Number.isInteger(index) ? buttons[index] : undefined;
    if (!button) throw new GraphError(131009, `button index ${String(component.index)} does not exist in the template`);
    if (seen.has(index)) throw new GraphError(100, `button index ${index} is given twice`);
    seen.add(index);
    const subType = SUB_TYPES[button.type];
    if (component.sub_type !== subType) throw new GraphError(131009, `button ${index}: sub_type must be ${subType ?? 'absent'}`);
    const expected = needsParameter(button) || button.type === 'COPY_CODE' ? 1 : button.type === 'QUICK_REPLY' ? component.parameters.length : 0;
    if (component.parameters.length !== expected || expected > 1) {
      throw new GraphError(132000, `button ${index}: expected ${expected} parameter(s), got ${component.parameters.length}`);
    }
  }
  buttons.forEach((button, index) => {
    if (needsParameter(button) && !seen.has(index)) throw new GraphError(132000, `button ${index}: the ${button.type} button needs 1 parameter`);
  });
}

/** §7.2.2: parameter counts per component, named-parameter sets, and button index/sub_type. */
export function checkTemplateParameters(template: TemplateRecord, send: SendTemplate): void {
  checkHeader(template, send);
  checkBody(template, send);
  checkButtons(template, send);
}

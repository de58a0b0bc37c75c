import type { FieldIssue } from '../errors.js';
import type { TemplateButton, TemplateCategory, TemplateContent } from '../schemas/templates.schema.js';
import { placeholderTokens, uniqueTokens } from './template-parameters.js';

export interface LintInput extends TemplateContent {
  name: string;
  language: string;
  category: TemplateCategory;
}

/** Limits of Meta's template API (whatsapp-cloud-api.md §3.1). */
export const TEMPLATE_LIMITS = {
  name: 512,
  headerText: 60,
  body: 1024,
  footer: 60,
  buttonText: 25,
  buttons: 10,
  urlButtons: 2,
  phoneButtons: 1,
  copyCodeButtons: 1,
  copyCode: 15,
  namedParameter: 20,
} as const;

const NAMED_TOKEN = /^[a-z_]{1,20}$/;
const POSITIONAL_TOKEN = /^[1-9]\d*$/;

type Problems = FieldIssue[];

/**
 * Every problem WhatsApp would refuse or a reviewer would reject a template for, each with the
 * field at fault. The web form shows them as the person types; the engine refuses to submit a
 * template that has any. An empty list means nothing is known to be wrong.
 */
export function lintTemplate(input: LintInput): FieldIssue[] {
  const problems: Problems = [];
  lintName(input.name, problems);
  if (input.category === 'AUTHENTICATION') {
    problems.push({ field: 'category', message: 'authentication templates use WhatsApp’s fixed one-time-password format: create them in WhatsApp Manager' });
  }
  lintFormat(input, problems);
  if (input.header?.format === 'TEXT') {
    lintText('header', input.header.text, TEMPLATE_LIMITS.headerText, input.parameterFormat, problems);
    if (uniqueTokens(input.header.text).length > 1) problems.push({ field: 'header.text', message: 'a header may hold only one variable' });
    lintExamples('header', input.header.text, input.header.examples, problems);
  } else if (input.header && !input.header.example.trim()) {
    problems.push({ field: 'header.example', message: `upload a sample ${input.header.format.toLowerCase()}: WhatsApp reviews the template with it` });
  }
  lintText('body', input.body.text, TEMPLATE_LIMITS.body, input.parameterFormat, problems);
  lintExamples('body', input.body.text, input.body.examples, problems);
  lintBodyPlacement(input.body.text, problems);
  if (input.footer !== null) lintFooter(input.footer, problems);
  lintButtons(input.buttons, problems);
  return problems;
}

function lintName(name: string, problems: Problems): void {
  if (!name) problems.push({ field: 'name', message: 'is required' });
  else if (name.length > TEMPLATE_LIMITS.name) problems.push({ field: 'name', message: `must be at most ${TEMPLATE_LIMITS.name} characters` });
  else if (!/^[a-z0-9_]+$/.test(name)) problems.push({ field: 'name', message: 'may hold only lowercase letters, digits and underscores (spring_offer_2)' });
}

/** One format for the whole template: WhatsApp refuses `{{1}}` in a named template and the reverse. */
function lintFormat(input: LintInput, problems: Problems): void {
  const texts: [string, string][] = [['body.text', input.body.text]];
  if (input.header?.format === 'TEXT') texts.push(['header.text', input.header.text]);
  const named = input.parameterFormat === 'NAMED';
  for (const [field, text] of texts) {
    for (const token of uniqueTokens(text)) {
      if (named && POSITIONAL_TOKEN.test(token)) {
        problems.push({ field, message: `{{${token}}} is a numbered variable, but this template uses named variables: do not mix the two` });
      } else if (named && !NAMED_TOKEN.test(token)) {
        problems.push({ field, message: `{{${token}}} is not a valid name: use 1 to 20 lowercase letters and underscores (first_name)` });
      } else if (!named && !POSITIONAL_TOKEN.test(token)) {
        const hint = NAMED_TOKEN.test(token) ? 'a named variable, but this template uses numbered variables: do not mix the two' : 'not a valid variable: use {{1}}, {{2}}…';
        problems.push({ field, message: `{{${token}}} is ${hint}` });
      }
    }
  }
}

function lintText(where: 'header' | 'body', text: string, max: number, format: TemplateContent['parameterFormat'], problems: Problems): void {
  const field = `${where}.text`;
  if (!text.trim()) {
    problems.push({ field, message: 'is required' });
    return;
  }
  if (text.length > max) problems.push({ field, message: `must be at most ${max} characters (now ${text.length})` });
  const rest = text.replace(/\{\{[^{}]*\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push({ field, message: 'has an unclosed {{ or a stray }}' });
  if (format === 'POSITIONAL') lintSequence(field, text, problems);
}

/** Positional variables are numbered {{1}}..{{n}} in order of first appearance, with no gaps. */
function lintSequence(field: string, text: string, problems: Problems): void {
  const numbers = uniqueTokens(text).filter((token) => POSITIONAL_TOKEN.test(token));
  const wrong = numbers.findIndex((token, index) => token !== String(index + 1));
  if (wrong >= 0) {
    const expected = numbers.map((_, index) => `{{${index + 1}}}`).join(', ');
    problems.push({ field, message: `numbered variables must run {{1}}, {{2}}… in order with no gaps: expected ${expected}, found {{${numbers[wrong] ?? ''}}} in position ${wrong + 1}` });
  }
}

function lintExamples(where: 'header' | 'body', text: string, examples: Record<string, string>, problems: Problems): void {
  for (const token of uniqueTokens(text)) {
    if (!examples[token]?.trim()) problems.push({ field: `${where}.examples.${token}`, message: `give an example value for {{${token}}}: WhatsApp reviews the template with it` });
  }
}

/** The commonest INVALID_FORMAT rejections (§3.1): a variable at either end, or two side by side. */
function lintBodyPlacement(text: string, problems: Problems): void {
  const trimmed = text.trim();
  if (!trimmed) return;
  if (/^\{\{[^{}]*\}\}/.test(trimmed)) problems.push({ field: 'body.text', message: 'must not start with a variable: add words before it' });
  if (/\{\{[^{}]*\}\}[\s.!?]*$/.test(trimmed)) problems.push({ field: 'body.text', message: 'must not end with a variable: add words after it' });
  if (/\{\{[^{}]*\}\}\s*\{\{[^{}]*\}\}/.test(trimmed)) problems.push({ field: 'body.text', message: 'has two variables next to each other: separate them with words' });
}

function lintFooter(footer: string, problems: Problems): void {
  if (!footer.trim()) problems.push({ field: 'footer', message: 'is empty: remove the footer or write one' });
  if (footer.length > TEMPLATE_LIMITS.footer) problems.push({ field: 'footer', message: `must be at most ${TEMPLATE_LIMITS.footer} characters (now ${footer.length})` });
  if (placeholderTokens(footer).length > 0) problems.push({ field: 'footer', message: 'cannot hold variables' });
}

function lintButtons(buttons: TemplateButton[], problems: Problems): void {
  if (buttons.length > TEMPLATE_LIMITS.buttons) problems.push({ field: 'buttons', message: `at most ${TEMPLATE_LIMITS.buttons} buttons` });
  const count = (type: TemplateButton['type']) => buttons.filter((button) => button.type === type).length;
  if (count('URL') > TEMPLATE_LIMITS.urlButtons) problems.push({ field: 'buttons', message: `at most ${TEMPLATE_LIMITS.urlButtons} link buttons` });
  if (count('PHONE_NUMBER') > TEMPLATE_LIMITS.phoneButtons) problems.push({ field: 'buttons', message: 'at most one call button' });
  if (count('COPY_CODE') > TEMPLATE_LIMITS.copyCodeButtons) problems.push({ field: 'buttons', message: 'at most one copy-code button' });
  // WhatsApp shows quick replies as one group: they must come all before or all after the others.
  const kinds = buttons.map((button) => button.type === 'QUICK_REPLY');
  const groups = kinds.filter((kind, index) => index === 0 || kind !== kinds[index - 1]).length;
  if (groups > 2) problems.push({ field: 'buttons', message: 'keep the quick replies together, all before or all after the other buttons' });
  buttons.forEach((button, index) => lintButton(button, `buttons.${index}`, problems));
}

function lintButton(button: TemplateButton, field: string, problems: Problems): void {
  if (button.type === 'COPY_CODE') {
    if (!button.example.trim()) problems.push({ field: `${field}.example`, message: 'give a sample code' });
    else if (button.example.length > TEMPLATE_LIMITS.copyCode) problems.push({ field: `${field}.example`, message: `a code must be at most ${TEMPLATE_LIMITS.copyCode} characters` });
    return;
  }
  if (!button.text.trim()) problems.push({ field: `${field}.text`, message: 'is required' });
  else if (button.text.length > TEMPLATE_LIMITS.buttonText) problems.push({ field: `${field}.text`, message: `must be at most ${TEMPLATE_LIMITS.buttonText} characters (now ${button.text.length})` });
  if (placeholderTokens(button.text).length > 0) problems.push({ field: `${field}.text`, message: 'cannot hold variables' });
  if (button.type === 'URL') lintUrlButton(button, field, problems);
  if (button.type === 'PHONE_NUMBER' && !/^\+[1-9]\d{6,14}$/.test(button.phoneNumber.replace(/[\s()-]/g, ''))) {
    problems.push({ field: `${field}.phoneNumber`, message: 'must be a phone number in international format (+15550001111)' });
  }
}

function lintUrlButton(button: Extract<TemplateButton, { type: 'URL' }>, field: string, problems: Problems): void {
  if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(button.url)) {
    problems.push({ field: `${field}.url`, message: 'must be a web address starting with https://' });
    return;
  }
  const tokens = placeholderTokens(button.url);
  if (tokens.length === 0) return;
  if (tokens.length > 1 || tokens[0] !== '1' || !/\{\{\s*1\s*\}\}$/.test(button.url)) {
    problems.push({ field: `${field}.url`, message: 'may hold one variable, {{1}}, at the very end of the address' });
  } else if (!button.example.trim()) {
    problems.push({ field: `${field}.example`, message: 'give an example of the full address with a sample value' });
  } else if (!button.example.startsWith(button.url.split('{{')[0] ?? '')) {
    problems.push({ field: `${field}.example`, message: 'must start like the address itself' });
  }
}

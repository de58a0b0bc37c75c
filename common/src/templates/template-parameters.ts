import type { TemplateContent, TemplateVariable } from '../schemas/templates.schema.js';

/** The value key of a media header: a link to the file, or the file's WhatsApp media id at send. */
export const MEDIA_HEADER_KEY = 'header:media';

/** The value key of the file name a document header sent by media id shows; not a variable. */
export const MEDIA_FILENAME_KEY = 'header:media:filename';

const LINK = /^https?:\/\//i;

/** Whether a media header's value is a link (WhatsApp fetches it) rather than a media id. */
export function isMediaLink(value: string): boolean {
  return LINK.test(value.trim());
}

/** Anything between double braces, so the linter can explain a malformed token too. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** Placeholder tokens in order of appearance, trimmed: `['1', '2']` or `['first_name']`. */
export function placeholderTokens(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => (match[1] ?? '').trim());
}

export function uniqueTokens(text: string): string[] {
  return [...new Set(placeholderTokens(text))];
}

/** Replaces each placeholder with what `value` gives for its token (or leaves it as written). */
export function fillPlaceholders(text: string, value: (token: string) => string | undefined): string {
  return text.replace(PLACEHOLDER, (whole, token: string) => value(token.trim()) ?? whole);
}

/** A URL button's suffix variable: WhatsApp allows one, at the end of the URL. */
export function urlVariable(url: string): string | null {
  return uniqueTokens(url)[0] ?? null;
}

/** Every value a send needs, body first (the order of positional values), then header, then buttons. */
export function templateVariables(content: TemplateContent): TemplateVariable[] {
  const variables: TemplateVariable[] = uniqueTokens(content.body.text).map((token) => ({
    key: token,
    where: 'body',
    label: `{{${token}}}`,
    example: content.body.examples[token] ?? '',
  }));
  const header = content.header;
  if (header?.format === 'TEXT') {
    for (const token of uniqueTokens(header.text)) {
      variables.push({ key: `header:${token}`, where: 'header', label: `Header {{${token}}}`, example: header.examples[token] ?? '' });
    }
  } else if (header) {
    // A media header is sent with a link to the file; the sample given for review is a fair default.
    const example = isMediaLink(header.example) ? header.example : '';
    variables.push({ key: MEDIA_HEADER_KEY, where: 'header', label: `Header ${header.format.toLowerCase()}`, example });
  }
  content.buttons.forEach((button, index) => {
    if (button.type === 'COPY_CODE') {
      variables.push({ key: `button:${index}`, where: 'button', label: 'Code to copy', example: button.example });
      return;
    }
    if (button.type !== 'URL' || urlVariable(button.url) === null) return;
    const prefix = button.url.split('{{')[0] ?? '';
    const example = button.example.startsWith(prefix) ? button.example.slice(prefix.length) : button.example;
    variables.push({ key: `button:${index}`, where: 'button', label: `End of the "${button.text}" link`, example });
  });
  return variables;
}

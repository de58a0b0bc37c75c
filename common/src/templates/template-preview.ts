import type { TemplateContent, TemplateValues } from '../schemas/templates.schema.js';
import { fillPlaceholders, MEDIA_HEADER_KEY, templateVariables } from './template-parameters.js';

export interface TemplatePreview {
  /** A text header with its values, or a media header's kind and its link (empty when not a link). */
  header: { format: 'TEXT'; text: string } | { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'; link: string } | null;
  body: string;
  footer: string | null;
  /** `detail`: the link (with its value), the phone number, or the code a button carries. */
  buttons: { type: TemplateContent['buttons'][number]['type']; text: string; detail: string | null }[];
  /** What the customer reads, as one text: header, body and footer separated by blank lines. */
  text: string;
  /** Keys with no value given and no example: left as `{{…}}` in the text. */
  missing: string[];
}

/**
 * Renders a template as the customer sees it, with the given values or, where none is given,
 * the template's own examples. Pure, so the editor, the campaign builder and the engine agree.
 */
export function renderTemplatePreview(content: TemplateContent, values: TemplateValues = {}): TemplatePreview {
  const variables = templateVariables(content);
  const valueOf = (key: string): string | undefined => {
    const given = values[key]?.trim();
    if (given) return given;
    const example = variables.find((variable) => variable.key === key)?.example.trim();
    return example || undefined;
  };
  const missing = variables.filter((variable) => valueOf(variable.key) === undefined).map((variable) => variable.key);
  const header = content.header;
  const renderedHeader: TemplatePreview['header'] =
    header === null ? null : header.format === 'TEXT'
        ? { format: 'TEXT', text: fillPlaceholders(header.text, (token) => valueOf(`header:${token}`)) }
        : // A sample given as an upload handle is not a link anyone can open: it shows as no link.
          { format: header.format, link: valueOf(MEDIA_HEADER_KEY) ?? '' };
  const body = fillPlaceholders(content.body.text, valueOf);
  const buttons = content.buttons.map((button, index): TemplatePreview['buttons'][number] => {
    switch (button.type) {
      case 'QUICK_REPLY':
        return { type: button.type, text: button.text, detail: null };
      case 'URL':
        return { type: button.type, text: button.text, detail: fillPlaceholders(button.url, () => valueOf(`button:${index}`)) };
      case 'PHONE_NUMBER':
        return { type: button.type, text: button.text, detail: button.phoneNumber };
      case 'COPY_CODE':
        return { type: button.type, text: 'Copy offer code', detail: valueOf(`button:${index}`) ?? button.example };
    }
  });
  const parts = [renderedHeader?.format === 'TEXT' ? renderedHeader.text : null, body, content.footer].filter((part): part is string => Boolean(part?.trim()));
  return { header: renderedHeader, body, footer: content.footer, buttons, text: parts.join('\n\n'), missing };
}

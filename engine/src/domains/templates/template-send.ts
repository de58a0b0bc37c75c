import { isMediaLink, MEDIA_FILENAME_KEY, MEDIA_HEADER_KEY, renderTemplatePreview, uniqueTokens, urlVariable, type TemplateContent, type TemplateValues } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';

export interface TemplateMessage {
  /** The `template` object of a Graph send (§2.3). */
  template: Record<string, unknown>;
  /** What the customer reads: header, body and footer with the values. */
  text: string;
}

type Parameter = Record<string, unknown>;

/**
 * Builds the Graph `template` object from values keyed like `TemplateView.variables`. Body values
 * must be given; a header or button value falls back to the template's example (a media header's
 * sample link, a copy code), which is what the template was approved with. A media header's value
 * is a link, or a media id from WhatsApp's upload (a document's with its file name).
 */
export function buildTemplateMessage(template: { name: string; language: string; content: TemplateContent }, values: TemplateValues): TemplateMessage {
  const { content } = template;
  const named = content.parameterFormat === 'NAMED';
  const bodyTokens = uniqueTokens(content.body.text);
  const missing = bodyTokens.filter((token) => !values[token]?.trim());
  if (missing.length > 0) {
    throw new AppError('VALIDATION_FAILED', `This template needs a value for ${missing.map((token) => `{{${token}}}`).join(', ')}`, {
      fields: [{ field: 'body.parameters', message: `give a value for each of: ${bodyTokens.join(', ')}` }],
    });
  }
  const fallback = (key: string, example: string): string => values[key]?.trim() || example;
  const text = (token: string, value: string): Parameter => ({ type: 'text', text: value, ...(named ? { parameter_name: token } : {}) });
  const components: Parameter[] = [];
  const header = content.header;
  if (header?.format === 'TEXT') {
    const tokens = uniqueTokens(header.text);
    if (tokens.length > 0) components.push({ type: 'header', parameters: tokens.map((token) => text(token, fallback(`header:${token}`, header.examples[token] ?? ''))) });
  } else if (header) {
    // A sample given as an upload handle was for the review only: it cannot be sent.
    const media = fallback(MEDIA_HEADER_KEY, isMediaLink(header.example) ? header.example : '');
    if (!media) {
      const kind = header.format.toLowerCase();
      throw new AppError('VALIDATION_FAILED', `This template needs the ${kind} its header shows`, { fields: [{ field: 'body.parameters', message: `give a link to the header ${kind}` }] });
    }
    components.push({ type: 'header', parameters: [mediaParameter(header.format, media, values[MEDIA_FILENAME_KEY])] });
  }
  if (bodyTokens.length > 0) components.push({ type: 'body', parameters: bodyTokens.map((token) => text(token, values[token]?.trim() ?? '')) });
  content.buttons.forEach((button, index) => {
    const key = `button:${index}`;
    if (button.type === 'URL' && urlVariable(button.url) !== null) {
      const prefix = button.url.split('{{')[0] ?? '';
      const example = button.example.startsWith(prefix) ? button.example.slice(prefix.length) : button.example;
      components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: fallback(key, example) }] });
    } else if (button.type === 'COPY_CODE') {
      components.push({ type: 'button', sub_type: 'copy_code', index: String(index), parameters: [{ type: 'coupon_code', coupon_code: fallback(key, button.example) }] });
    }
  });
  return {
    template: { name: template.name, language: { code: template.language }, components },
    text: renderTemplatePreview(content, values).text,
  };
}

function mediaParameter(format: 'IMAGE' | 'VIDEO' | 'DOCUMENT', value: string, fileName: string | undefined): Parameter {
  const kind = format.toLowerCase();
  if (isMediaLink(value)) return { type: kind, [kind]: { link: value } };
  return { type: kind, [kind]: { id: value, ...(format === 'DOCUMENT' && fileName ? { filename: fileName } : {}) } };
}

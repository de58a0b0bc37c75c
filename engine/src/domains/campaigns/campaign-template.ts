import {
  MEDIA_FILENAME_KEY,
  MEDIA_HEADER_KEY,
  MEDIA_TYPES_BY_FORMAT,
  mediaLinkIssue,
  type AudienceMember,
  type FieldIssue,
  type MediaView,
  type TemplateValues,
  type TemplateView,
  type VariableMapping,
} from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { SendableMedia } from '../media/index.js';
import { buildTemplateMessage } from '../templates/index.js';
import { claimIdOf, type RecipientDoc } from './campaigns.model.js';
import type { TemplatesPort } from './campaigns.ports.js';

type Member = Pick<AudienceMember, 'name' | 'phone' | 'attributes'>;

/** The campaign's template as Parley keeps it, or null when it is gone. */
export async function findTemplate(templates: Pick<TemplatesPort, 'get'>, tenantId: string, templateId: string): Promise<TemplateView | null> {
  try {
    return await templates.get(tenantId, templateId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/**
 * A member's value for one template variable, or the mapping's fallback when they have none.
 * WhatsApp refuses line breaks, tabs and runs of spaces inside a variable (132018), so every
 * run of white space becomes one space.
 */
export function valueFor(mapping: VariableMapping | undefined, member: Member): string {
  if (!mapping) return '';
  const source = mapping.source;
  const raw =
    source.kind === 'name' ? member.name
    : source.kind === 'first_name' ? (member.name?.trim().split(/\s+/)[0] ?? null)
    : source.kind === 'phone' ? member.phone
    : source.kind === 'attribute' ? (member.attributes[source.key] ?? null)
    : source.kind === 'media' ? source.mediaId
    : source.value;
  return oneLine(raw) || oneLine(mapping.fallback);
}

/** Every value of one member's send, by variable key, and the keys left without a value. */
export function paramsFor(template: Pick<TemplateView, 'variables'>, variables: VariableMapping[], member: Member): { params: TemplateValues; missing: string[] } {
  const params: TemplateValues = {};
  const missing: string[] = [];
  for (const variable of template.variables) {
    const value = valueFor(variables.find((mapping) => mapping.parameter === variable.key), member);
    if (value) params[variable.key] = value;
    else missing.push(variable.key);
  }
  return { params, missing };
}

/**
 * What stops a launch in the mapping: a variable of the header, body or buttons left unmapped,
 * or a media header without a link (WhatsApp fetches the file from it for every message).
 */
export function mappingIssues(template: Pick<TemplateView, 'variables' | 'content'>, variables: VariableMapping[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const unmapped = template.variables.filter((variable) => !variables.some((mapping) => mapping.parameter === variable.key));
  if (unmapped.length > 0) issues.push({ field: 'body.variables', message: `map every template variable: ${unmapped.map((variable) => variable.label).join(', ')}` });
  const media = variables.find((mapping) => mapping.parameter === MEDIA_HEADER_KEY);
  const header = template.content.header;
  if (media && header && header.format !== 'TEXT') {
    const problem = mediaLinkIssue(media);
    if (problem) issues.push({ field: 'body.variables', message: `the header ${header.format.toLowerCase()} ${problem}` });
  }
  return issues;
}

/** The uploaded file a campaign's media header sends, by our media record id, or null. */
export function headerMediaOf(variables: VariableMapping[]): string | null {
  const source = variables.find((mapping) => mapping.parameter === MEDIA_HEADER_KEY)?.source;
  return source?.kind === 'media' ? source.mediaId : null;
}

/**
 * What stops a launch in a header file: it must be a campaign header uploaded to this tenant, of a
 * type the header takes (IMAGE: JPEG or PNG, VIDEO: MP4, DOCUMENT: PDF).
 */
export function headerFileIssue(template: Pick<TemplateView, 'content'>, media: MediaView | null): FieldIssue | null {
  const header = template.content.header;
  const field = 'body.variables';
  if (!header || header.format === 'TEXT') return { field, message: 'this template has no media header to send a file in' };
  const kind = header.format.toLowerCase();
  if (!media) return { field, message: `the header ${kind} file is not among this workspace's uploads: upload it again` };
  if (media.purpose !== 'campaign_header') return { field, message: `the header ${kind} file was uploaded as a template sample: upload it for the campaign` };
  const accepted = MEDIA_TYPES_BY_FORMAT[header.format];
  if (!accepted.includes(media.mimeType)) return { field, message: `the header ${kind} must be ${accepted.join(' or ')}; ${media.fileName} is ${media.mimeType}` };
  return null;
}

/** A recipient's values with the header file as WhatsApp knows it now (a document with its name). */
export function withHeaderMedia(params: TemplateValues, media: SendableMedia): TemplateValues {
  return { ...params, [MEDIA_HEADER_KEY]: media.graphMediaId, ...(media.mimeType === 'application/pdf' ? { [MEDIA_FILENAME_KEY]: media.fileName } : {}) };
}

/**
 * The Graph body of one recipient's template message, built by the templates domain from the
 * values rendered at materialisation; the claim id rides in biz_opaque_callback_data.
 */
export function templateMessage(template: TemplateView, recipient: Pick<RecipientDoc, '_id' | 'attempt' | 'phone' | 'values' | 'params'>): Record<string, unknown> {
  const values = recipient.params ?? Object.fromEntries(template.parameters.map((parameter, i) => [parameter, recipient.values[i] ?? '']));
  let graphTemplate: Record<string, unknown>;
  try {
    graphTemplate = buildTemplateMessage(template, values).template;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // No value for a body variable: the template gained one after this recipient was rendered, or
    // the recipient predates the checks. WhatsApp refuses the send (132000) and the recipient
    // fails with that reason, like any refused send; throwing would leave its claim unsettled.
    graphTemplate = { name: template.name, language: { code: template.language }, components: [] };
  }
  return { to: recipient.phone, type: 'template', template: graphTemplate, biz_opaque_callback_data: claimIdOf(recipient._id, recipient.attempt) };
}

function oneLine(text: string | null): string {
  return text?.replace(/\s+/g, ' ').trim() ?? '';
}

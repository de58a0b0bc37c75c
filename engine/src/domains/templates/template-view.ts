import {
  EDITABLE_TEMPLATE_STATUSES,
  fromGraphComponents,
  TEMPLATE_CATEGORIES,
  TEMPLATE_QUALITIES,
  TEMPLATE_STATUSES,
  templateVariables,
  toGraphComponents,
  uniqueTokens,
  type ParameterFormat,
  type TemplateContent,
  type TemplateStatus,
  type TemplateView,
} from '@parley/common';
import type { TemplateDoc } from './templates.model.js';

/** A template as the Graph API lists it (§3.2); every field may be missing in a loose answer. */
export interface GraphTemplate {
  id?: string | number;
  name?: string;
  language?: string;
  category?: string;
  status?: string;
  parameter_format?: string;
  components?: unknown;
  quality_score?: { score?: string };
  rejected_reason?: string;
}

export function contentOf(doc: Pick<TemplateDoc, 'componentsJson' | 'parameterFormat'>): TemplateContent {
  return fromGraphComponents(safeJson(doc.componentsJson), doc.parameterFormat);
}

/** The stored form of content: Graph components as text, and the body's text and parameters. */
export function contentFields(content: TemplateContent): Pick<TemplateDoc, 'parameterFormat' | 'body' | 'parameters' | 'componentsJson'> {
  return {
    parameterFormat: content.parameterFormat,
    body: content.body.text,
    parameters: uniqueTokens(content.body.text),
    componentsJson: JSON.stringify(toGraphComponents(content)),
  };
}

export function toView(doc: TemplateDoc): TemplateView {
  const content = contentOf(doc);
  return {
    id: String(doc._id),
    graphId: doc.graphId,
    wabaId: doc.wabaId,
    name: doc.name,
    language: doc.language,
    category: doc.category,
    status: doc.status,
    quality: doc.quality,
    reason: doc.reasonCode || doc.reasonText ? { code: doc.reasonCode, text: doc.reasonText } : null,
    parameterFormat: doc.parameterFormat,
    body: doc.body,
    parameters: doc.parameters,
    variables: templateVariables(content),
    content,
    editable: EDITABLE_TEMPLATE_STATUSES.includes(doc.status),
    updatedAt: doc.updatedAt.toISOString(),
    submittedAt: doc.submittedAt ? doc.submittedAt.toISOString() : null,
  };
}

/** What a listed Graph template sets on the local copy. Components are kept exactly as listed. */
export function fromGraph(t: GraphTemplate): Omit<TemplateDoc, '_id' | 'wabaId' | 'lastEventTime' | 'createdBy' | 'createdAt' | 'submittedAt'> {
  const parameterFormat: ParameterFormat = t.parameter_format?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  const components = Array.isArray(t.components) ? t.components : [];
  const body = fromGraphComponents(components, parameterFormat).body.text;
  const rejected = t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null;
  return {
    graphId: String(t.id ?? ''),
    name: t.name ?? '',
    language: t.language ?? '',
    category: TEMPLATE_CATEGORIES.find((c) => c === t.category?.toUpperCase()) ?? 'UTILITY',
    status: statusOf(t.status) ?? 'PENDING',
    quality: TEMPLATE_QUALITIES.find((q) => q === t.quality_score?.score) ?? 'UNKNOWN',
    reasonCode: rejected,
    reasonText: null,
    parameterFormat,
    body,
    parameters: uniqueTokens(body),
    componentsJson: JSON.stringify(components),
    updatedAt: new Date(),
  };
}

/** WhatsApp's word for a status, as Parley keeps it; REINSTATED means approved again. */
export function statusOf(raw: unknown): TemplateStatus | null {
  const upper = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (upper === 'REINSTATED') return 'APPROVED';
  return TEMPLATE_STATUSES.find((status) => status === upper && status !== 'DRAFT') ?? null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return [];
  }
}

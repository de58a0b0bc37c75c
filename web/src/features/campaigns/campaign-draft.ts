import { isMediaLink, MEDIA_HEADER_KEY, type CampaignView, type CreateCampaignBody, type MediaView, type TemplateVariable, type VariableMapping, type VariableSource } from '@parley/common';
import { pickerToIso, isoToPicker } from './zoned-time';

export type SourceKind = VariableSource['kind'];

/** One template parameter as the form edits it: every source's input kept, the chosen one sent. */
export interface VariableRow {
  parameter: string;
  kind: SourceKind;
  key: string;
  value: string;
  fallback: string;
  /** A media header's uploaded file (`kind: 'media'`): its id, and the file once known, to show. */
  mediaId: string;
  media: MediaView | null;
}

/** The builder's editable state; `toBody` turns it into the contract's body. */
export interface DraftForm {
  name: string;
  listIds: string[];
  allConsenting: boolean;
  segmentId: string | null;
  templateId: string | null;
  variables: VariableRow[];
  scheduleMode: 'now' | 'later';
  /** The date picker's value: a wall-clock time read in the tenant's zone. */
  schedulePicker: number | null;
  throughputCap: number;
  budgetCap: number | null;
}

export const SOURCE_KINDS: readonly SourceKind[] = ['first_name', 'name', 'phone', 'attribute', 'text'];

/** A media header is an uploaded file, or a link: the same for all, or one per contact. */
export const MEDIA_SOURCE_KINDS: readonly SourceKind[] = ['media', 'text', 'attribute'];

export const SOURCE_LABELS: Record<SourceKind, string> = {
  name: 'Full name',
  first_name: 'First name',
  phone: 'Phone number',
  attribute: 'Custom attribute',
  text: 'Fixed text',
  media: 'Upload a file',
};

/** The media header's sources say what they hold. */
export const MEDIA_SOURCE_LABELS: Partial<Record<SourceKind, string>> = {
  media: 'Upload a file',
  text: 'Link',
  attribute: 'Link in a contact attribute',
};

export function emptyDraft(): DraftForm {
  return {
    name: '',
    listIds: [],
    allConsenting: false,
    segmentId: null,
    templateId: null,
    variables: [],
    scheduleMode: 'now',
    schedulePicker: null,
    throughputCap: 80,
    budgetCap: null,
  };
}

function rowOf(mapping: VariableMapping): VariableRow {
  const source = mapping.source;
  return {
    parameter: mapping.parameter,
    kind: source.kind,
    key: source.kind === 'attribute' ? source.key : '',
    value: source.kind === 'text' ? source.value : '',
    fallback: mapping.fallback,
    mediaId: source.kind === 'media' ? source.mediaId : '',
    media: null,
  };
}

export function draftOf(view: CampaignView): DraftForm {
  return {
    name: view.name,
    listIds: [...view.audience.listIds],
    allConsenting: view.audience.allConsenting,
    segmentId: view.audience.segmentId,
    templateId: view.template?.id ?? null,
    variables: view.variables.map(rowOf),
    scheduleMode: view.scheduleAt ? 'later' : 'now',
    schedulePicker: view.scheduleAt ? isoToPicker(view.scheduleAt, view.timeZone) : null,
    throughputCap: view.throughputCap,
    budgetCap: view.budgetCap,
  };
}

function sourceOf(row: VariableRow): VariableSource {
  switch (row.kind) {
    case 'attribute':
      return { kind: 'attribute', key: row.key.trim() };
    case 'text':
      return { kind: 'text', value: row.value };
    case 'media':
      return { kind: 'media', mediaId: row.mediaId };
    default:
      return { kind: row.kind };
  }
}

/**
 * Keeps what was mapped for variables the new template still has. A new text variable starts as
 * the first name; a link, a link's end or a code is most often the same for everyone, so it
 * starts as fixed text holding the template's own sample. A media header whose sample is not a
 * link starts as a file to upload.
 */
export function rowsFor(variables: readonly Pick<TemplateVariable, 'key' | 'where' | 'example'>[], current: readonly VariableRow[]): VariableRow[] {
  return variables.map((variable): VariableRow => {
    const kept = current.find((row) => row.parameter === variable.key);
    if (kept) return kept;
    const row: VariableRow = { parameter: variable.key, kind: 'first_name', key: '', value: '', fallback: '', mediaId: '', media: null };
    if (variable.key === MEDIA_HEADER_KEY && !isMediaLink(variable.example)) return { ...row, kind: 'media' };
    if (variable.where === 'button' || variable.key === MEDIA_HEADER_KEY) return { ...row, kind: 'text', value: variable.example };
    return row;
  });
}

/** The body as the form stands; the schema decides what is missing or wrong. */
export function toBody(form: DraftForm, timeZone: string): CreateCampaignBody {
  const scheduleAt = form.scheduleMode === 'later' && form.schedulePicker !== null ? pickerToIso(form.schedulePicker, timeZone) : null;
  return {
    name: form.name,
    templateId: form.templateId ?? '',
    variables: form.variables.map((row) => ({ parameter: row.parameter, source: sourceOf(row), fallback: row.fallback })),
    audience: { listIds: form.listIds, allConsenting: form.allConsenting, segmentId: form.segmentId },
    scheduleAt,
    throughputCap: form.throughputCap,
    budgetCap: form.budgetCap,
  };
}

/** A sample contact, so the preview reads like a real message before anyone receives it. */
export const SAMPLE_CONTACT = { name: 'Maria Silva', firstName: 'Maria', phone: '+55 11 98765-4321' };

/** What one parameter shows in the preview. */
export function sampleValue(row: VariableRow): string {
  switch (row.kind) {
    case 'name':
      return SAMPLE_CONTACT.name;
    case 'first_name':
      return SAMPLE_CONTACT.firstName;
    case 'phone':
      return SAMPLE_CONTACT.phone;
    case 'attribute':
      return row.fallback || `[${row.key.trim() || 'attribute'}]`;
    case 'text':
      return row.value || row.fallback;
    case 'media':
      return row.media?.contentUrl ?? '';
  }
}

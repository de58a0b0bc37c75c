import { createCampaignBodySchema, MEDIA_HEADER_KEY, mediaLinkIssue, variableMappingSchema, type CreateCampaignBody, type VariableMapping } from '@parley/common';

export const BUILDER_STEPS = ['audience', 'template', 'variables', 'schedule', 'review'] as const;
export type BuilderStep = (typeof BUILDER_STEPS)[number];

export const STEP_TITLES: Record<BuilderStep, string> = {
  audience: 'Audience',
  template: 'Template',
  variables: 'Variables',
  schedule: 'Schedule and limits',
  review: 'Review',
};

/** Labels of the body's fields: the form's errors, the server's included, land under them. */
export const FIELD_LABELS = {
  name: 'Name',
  audience: 'Audience',
  templateId: 'Template',
  variables: 'Variables',
  scheduleAt: 'Send time',
  throughputCap: 'Messages per second',
  budgetCap: 'Budget cap',
} as const;
export type BuilderField = keyof typeof FIELD_LABELS;

const STEP_FIELDS: Record<BuilderStep, readonly BuilderField[]> = {
  audience: ['name', 'audience'],
  template: ['templateId'],
  variables: ['variables'],
  schedule: ['scheduleAt', 'throughputCap', 'budgetCap'],
  review: ['name', 'audience', 'templateId', 'variables', 'scheduleAt', 'throughputCap', 'budgetCap'],
};

/** The first step holding a field, so a server error sends the person back where it can be fixed. */
export function stepOf(field: string): BuilderStep | null {
  return BUILDER_STEPS.find((step) => step !== 'review' && STEP_FIELDS[step].some((candidate) => candidate === field)) ?? null;
}

export interface StepIssue {
  field: BuilderField;
  message: string;
}

/** The highest throughput WhatsApp gives a number; a number's own may be lower (the engine says which). */
export const THROUGHPUT_MAX = 1000;

/** Leaves the engine a minute to start a campaign scheduled for "right about now". */
const SCHEDULE_MARGIN_MS = 60_000;

/**
 * What must be fixed before leaving `step`, from the same schema the engine validates with, plus
 * what a schema cannot know: whether a time is still in the future, and the number's own
 * throughput (`ceiling`, null when unknown).
 */
export function stepIssues(step: BuilderStep, body: CreateCampaignBody, now: number, ceiling: number | null = null): StepIssue[] {
  const fields = STEP_FIELDS[step];
  const issues: StepIssue[] = [];
  const result = createCampaignBodySchema.safeParse(body);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = fields.find((candidate) => candidate === issue.path[0]);
      if (field && !issues.some((known) => known.field === field)) issues.push({ field, message: issue.message });
    }
  }
  if (fields.includes('templateId') && !body.templateId) {
    issues.splice(0, issues.length, ...issues.filter((issue) => issue.field !== 'templateId'), { field: 'templateId', message: 'Choose an approved template' });
  }
  if (fields.includes('scheduleAt') && body.scheduleAt !== null && Date.parse(body.scheduleAt) < now + SCHEDULE_MARGIN_MS) {
    issues.push({ field: 'scheduleAt', message: 'That time has passed. Choose a time at least a minute from now, or send now' });
  }
  if (fields.includes('throughputCap') && ceiling !== null && body.throughputCap > ceiling && !issues.some((issue) => issue.field === 'throughputCap')) {
    issues.push({ field: 'throughputCap', message: `Your number sends at most ${ceiling.toLocaleString()} messages a second` });
  }
  if (fields.includes('variables') && body.variables.some((mapping) => variableIssue(mapping) !== null) && !issues.some((issue) => issue.field === 'variables')) {
    issues.push({ field: 'variables', message: 'Fix the variables marked below' });
  }
  return issues;
}

/** One variable's problem, in words, or null when it is fine. */
export function variableIssue(mapping: VariableMapping): string | null {
  const result = variableMappingSchema.safeParse(mapping);
  if (result.success) {
    const media = mapping.parameter === MEDIA_HEADER_KEY ? mediaLinkIssue(mapping) : null;
    return media ? `The header file ${media}` : null;
  }
  const issue = result.error.issues[0];
  const where = issue?.path.at(-1);
  if (where === 'key') return 'Name the attribute: lowercase letters, digits and _, starting with a letter';
  if (where === 'value') return 'Type the text to send';
  if (where === 'mediaId') return 'Upload the file to send';
  return issue?.message ?? 'Check this value';
}

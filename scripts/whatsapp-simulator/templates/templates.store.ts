import { GraphError } from '../graph/errors.js';
import type { IdFactory } from '../core/ids.js';
import type { CreateTemplateInput, TemplateCategory, TemplateComponent, TemplateStatus } from './template-rules.js';

export interface TemplateRecord {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  status: TemplateStatus;
  qualityScore: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  rejectedReason: string;
  createdAt: number;
  /** Virtual times of edits, for the 1 per 24 h and 10 per 30 days rule on approved templates. */
  edits: number[];
  /** Set while an edit is under review, so approval can emit the components update. */
  editPending: boolean;
}

export interface TemplateFilters {
  name?: string;
  status?: string;
  language?: string;
  category?: string;
}

const DAY = 24 * 3_600_000;

export class TemplateStore {
  private readonly templates = new Map<string, TemplateRecord>();
  /** A deleted approved name cannot be reused for 30 days (§3.2). */
  private readonly deletedNames = new Map<string, number>();

  constructor(private readonly ids: IdFactory) {}

  create(wabaId: string, input: CreateTemplateInput, now: number, status: TemplateStatus = 'PENDING'): TemplateRecord {
    if (this.find(wabaId, input.name, input.language)) {
      throw new GraphError(100, `Content in this language already exists: ${input.name} (${input.language})`, 2388024);
    }
    const deletedAt = this.deletedNames.get(`${wabaId}|${input.name}`);
    if (deletedAt !== undefined && now - deletedAt < 30 * DAY) {
      throw new GraphError(100, `The name ${input.name} was deleted less than 30 days ago and cannot be reused yet`, 2388023);
    }
    const record: TemplateRecord = {
      id: this.ids.numeric(16),
      wabaId,
      name: input.name,
      language: input.language,
      category: input.category,
      parameterFormat: input.parameter_format,
      components: input.components,
      status,
      qualityScore: 'UNKNOWN',
      rejectedReason: 'NONE',
      createdAt: now,
      edits: [],
      editPending: false,
    };
    this.templates.set(record.id, record);
    return record;
  }

  get(id: string): TemplateRecord | undefined {
    return this.templates.get(id);
  }

  find(wabaId: string, name: string, language: string): TemplateRecord | undefined {
    return this.list(wabaId).find((template) => template.name === name && template.language === language);
  }

  list(wabaId: string, filters: TemplateFilters = {}): TemplateRecord[] {
    return [...this.templates.values()].filter(
      (template) =>
        template.wabaId === wabaId &&
        (filters.name === undefined || template.name.includes(filters.name)) &&
        (filters.status === undefined || filters.status.split(',').includes(template.status)) &&
        (filters.language === undefined || template.language === filters.language) &&
        (filters.category === undefined || template.category === filters.category),
    );
  }

  all(): TemplateRecord[] {
    return [...this.templates.values()];
  }

  /** §3.2: only APPROVED, REJECTED or PAUSED templates can be edited; approved ones sparingly. */
  edit(template: TemplateRecord, change: { components?: TemplateComponent[]; category?: TemplateCategory }, now: number): void {
    if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(template.status)) {
      throw new GraphError(100, `A template in status ${template.status} cannot be edited`);
    }
    if (change.category && change.category !== template.category && template.status === 'APPROVED') {
      throw new GraphError(100, 'The category can be changed only on rejected or paused templates');
    }
    if (template.status === 'APPROVED') {
      const lastDay = template.edits.filter((at) => now - at < DAY).length;
      const lastMonth = template.edits.filter((at) => now - at < 30 * DAY).length;
      if (lastDay >= 1 || lastMonth >= 10) {
        throw new GraphError(100, 'An approved template can be edited once per 24 hours and 10 times per 30 days');
      }
    }
    template.edits.push(now);
    if (change.components) template.components = change.components;
    if (change.category) template.category = change.category;
    template.status = 'PENDING';
    template.editPending = true;
  }

  /** By name: every language. With an hsm_id: that one template, whose name must match. */
  delete(wabaId: string, name: string, hsmId: string | undefined, now: number): TemplateRecord[] {
    const victims = this.list(wabaId).filter((t) => t.name === name && (hsmId === undefined || t.id === hsmId));
    if (victims.length === 0) {
      throw new GraphError(100, hsmId ? `Template ${hsmId} named ${name} not found` : `No template named ${name}`);
    }
    for (const template of victims) {
      this.templates.delete(template.id);
      if (template.status === 'APPROVED') this.deletedNames.set(`${wabaId}|${name}`, now);
    }
    return victims;
  }

  clear(): void {
    this.templates.clear();
    this.deletedNames.clear();
  }
}

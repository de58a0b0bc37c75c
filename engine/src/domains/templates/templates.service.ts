import { Schema, type Model } from 'mongoose';
import type { SendTemplateBody, TemplateSummary } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { ChannelsService } from '../channels/index.js';

interface TemplateDoc extends TemplateSummary {
  _id: string;
  wabaId: string;
  /** JSON text: positional examples are arrays of arrays, which FerretDB cannot store. */
  componentsJson: string;
  syncedAt: Date;
}

const templateSchema = new Schema<TemplateDoc>(
  {
    _id: { type: String, required: true },
    id: { type: String, required: true },
    wabaId: { type: String, required: true },
    name: { type: String, required: true },
    language: { type: String, required: true },
    category: { type: String, required: true },
    status: { type: String, required: true },
    parameterFormat: { type: String, required: true },
    body: { type: String, default: '' },
    parameters: { type: [String], default: [] },
    componentsJson: { type: String, default: '[]' },
    syncedAt: { type: Date, required: true },
  },
  { collection: 'templates', versionKey: false, minimize: false },
);
templateSchema.index({ name: 1, language: 1 });

interface GraphTemplate {
  id?: string;
  name?: string;
  language?: string;
  category?: string;
  status?: string;
  parameter_format?: string;
  components?: { type?: string; text?: string }[];
}

/** Message templates as WhatsApp knows them, synced from the Graph API into the tenant. */
export class TemplatesService {
  private readonly templates: (tenantId: string) => Model<TemplateDoc>;

  constructor(
    db: Database,
    private readonly channels: ChannelsService,
    private readonly graph: GraphClient,
  ) {
    this.templates = db.defineTenantModel('Template', templateSchema);
  }

  async sync(tenantId: string): Promise<TemplateSummary[]> {
    for (const channel of await this.channels.openAll(tenantId)) {
      const remote = (await this.graph.listTemplates(channel)) as GraphTemplate[];
      const seen = new Set<string>();
      for (const t of remote) {
        if (!t.id || !t.name || !t.language) continue;
        seen.add(t.id);
        await this.templates(tenantId).updateOne({ _id: t.id }, { $set: toDoc(t, channel.wabaId) }, { upsert: true });
      }
      await this.templates(tenantId).deleteMany({ wabaId: channel.wabaId, _id: { $nin: [...seen] } });
    }
    return this.list(tenantId);
  }

  async list(tenantId: string, onlyApproved = false): Promise<TemplateSummary[]> {
    const docs = await this.templates(tenantId).find(onlyApproved ? { status: 'APPROVED' } : {}).sort({ name: 1 }).lean();
    return docs.map(({ id, name, language, category, status, parameterFormat, body, parameters }) => ({ id, name, language, category, status, parameterFormat, body, parameters }));
  }

  /** Builds the Graph `template` object, checking the parameters against the synced template. */
  async buildSend(tenantId: string, request: SendTemplateBody): Promise<{ body: Record<string, unknown>; text: string }> {
    const template = await this.templates(tenantId).findOne({ name: request.name, language: request.language }).lean();
    if (!template || template.status !== 'APPROVED') {
      throw new AppError('VALIDATION_FAILED', 'Only approved templates can be sent', { fields: [{ field: 'body.name', message: 'is not an approved template in this language' }] });
    }
    const values = Array.isArray(request.parameters) ? request.parameters : template.parameters.map((name) => (request.parameters as Record<string, string>)[name] ?? '');
    if (values.length !== template.parameters.length || values.some((value) => !value)) {
      throw new AppError('VALIDATION_FAILED', `This template needs ${template.parameters.length} parameter(s)`, {
        fields: [{ field: 'body.parameters', message: `give a value for each of: ${template.parameters.join(', ') || 'none'}` }],
      });
    }
    const named = template.parameterFormat === 'NAMED';
    const parameters = values.map((text, i) => ({ type: 'text', text, ...(named ? { parameter_name: template.parameters[i] } : {}) }));
    const components = parameters.length > 0 ? [{ type: 'body', parameters }] : [];
    let text = template.body;
    template.parameters.forEach((name, i) => (text = text.replace(`{{${name}}}`, values[i] ?? '')));
    return { body: { name: template.name, language: { code: template.language }, components }, text };
  }
}

function toDoc(t: GraphTemplate, wabaId: string): Omit<TemplateDoc, '_id'> {
  const body = t.components?.find((c) => c.type?.toUpperCase() === 'BODY')?.text ?? '';
  const placeholders = [...body.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? '');
  return {
    id: t.id ?? '',
    wabaId,
    name: t.name ?? '',
    language: t.language ?? '',
    category: (t.category?.toUpperCase() as TemplateDoc['category']) ?? 'UTILITY',
    status: t.status ?? 'PENDING',
    parameterFormat: t.parameter_format?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    body,
    parameters: [...new Set(placeholders)],
    componentsJson: JSON.stringify(t.components ?? []),
    syncedAt: new Date(),
  };
}

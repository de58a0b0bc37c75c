import { Types, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { ChannelsService } from '../channels/index.js';
import { fromGraph, type GraphTemplate } from './template-view.js';
import type { TemplateDoc } from './templates.model.js';

/**
 * Brings the local copies in line with what the Graph API lists. A template is matched by its id
 * or, for a draft submitted while the sync ran, by account, name and language (its identity at
 * WhatsApp). Drafts are Parley's alone and are never removed by a sync.
 */
export class TemplateSync {
  constructor(
    private readonly templates: (tenantId: string) => Model<TemplateDoc>,
    private readonly channels: ChannelsService,
    private readonly graph: GraphClient,
  ) {}

  async run(tenantId: string): Promise<void> {
    for (const channel of await this.channels.openAll(tenantId)) {
      const remote = (await this.graph.listTemplates(channel)) as GraphTemplate[];
      const seen: string[] = [];
      for (const t of remote) {
        if (t.id === undefined || !t.name || !t.language || t.status?.toUpperCase() === 'DELETED') continue;
        seen.push(String(t.id));
        await this.upsert(tenantId, channel.wabaId, t);
      }
      await this.templates(tenantId).deleteMany({ wabaId: channel.wabaId, status: { $ne: 'DRAFT' }, graphId: { $nin: seen } });
    }
  }

  private async upsert(tenantId: string, wabaId: string, t: GraphTemplate): Promise<void> {
    const fields = fromGraph(t);
    const model = this.templates(tenantId);
    let local = await model.findOne({ wabaId, name: fields.name, language: fields.language }).lean();
    if (local && !(local._id instanceof Types.ObjectId)) {
      // Copies synced before drafts existed were keyed by WhatsApp's id: they are replaced.
      await model.deleteOne({ _id: local._id });
      local = null;
    }
    if (local) {
      // A webhook's explanation outlives a sync as long as the status it explains does.
      const reasonText = local.status === fields.status ? local.reasonText : null;
      const reasonCode = fields.reasonCode ?? (local.status === fields.status ? local.reasonCode : null);
      await model.updateOne({ _id: local._id }, { $set: { ...fields, reasonText, reasonCode, submittedAt: local.submittedAt ?? new Date() } });
      return;
    }
    const now = new Date();
    try {
      await model.create({ ...fields, _id: new Types.ObjectId(), wabaId, lastEventTime: 0, createdBy: null, createdAt: now, submittedAt: now });
    } catch (error) {
      // Another sync inserted it first: the unique (account, name, language) says so.
      if (!isDuplicateKeyError(error)) throw error;
      await model.updateOne({ wabaId, name: fields.name, language: fields.language }, { $set: fields });
    }
  }
}

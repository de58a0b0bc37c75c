import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { FINISHED_CAMPAIGN_STATUSES, type CampaignStatus } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { CampaignModels, type CampaignDoc } from './campaigns.model.js';
import { RecipientsRepository } from './recipients.repository.js';
import { SendQueueRepository } from './send-queue.repository.js';

type CampaignId = CampaignDoc['_id'] | string;

/** The campaign documents: definitions, and the mirror of each campaign actor's state. */
export class CampaignsRepository {
  constructor(private readonly models: CampaignModels) {}

  /** The campaign, or null (also for an id that cannot be a campaign's). */
  async find(tenantId: string, id: string): Promise<CampaignDoc | null> {
    return Types.ObjectId.isValid(id) ? this.models.campaigns(tenantId).findById(id).lean() : null;
  }

  /** The campaign's status alone, or null when it is gone. */
  async statusOf(tenantId: string, id: string): Promise<CampaignStatus | null> {
    const doc = await this.models.campaigns(tenantId).findById(id, { status: 1 }).lean();
    return doc?.status ?? null;
  }

  /** The latest campaigns, newest first. */
  listRecent(tenantId: string, limit: number): Promise<CampaignDoc[]> {
    return this.models.campaigns(tenantId).find({}).sort({ createdAt: -1 }).limit(limit).lean();
  }

  /** Campaigns not over yet, with what tells whether they send a file. */
  listOpen(tenantId: string): Promise<Pick<CampaignDoc, '_id' | 'name' | 'status' | 'variables'>[]> {
    return this.models.campaigns(tenantId).find({ status: { $nin: [...FINISHED_CAMPAIGN_STATUSES] } }, { name: 1, status: 1, variables: 1 }).lean();
  }

  /** The ids of the running campaigns, all of them or those matching `of` (a template, a number). */
  async runningIds(tenantId: string, of: { templateId?: string; phoneNumberId?: string } = {}): Promise<string[]> {
    const running = await this.models.campaigns(tenantId).find({ status: 'running', ...of }, { _id: 1 }).lean();
    return running.map((campaign) => String(campaign._id));
  }

  async create(tenantId: string, doc: Omit<CampaignDoc, '_id'>): Promise<CampaignDoc> {
    return (await this.models.campaigns(tenantId).create(doc)).toObject();
  }

  /** Changes a draft; nothing once it is launched. */
  async updateDraft(tenantId: string, id: CampaignId, set: Partial<CampaignDoc>): Promise<void> {
    await this.models.campaigns(tenantId).updateOne({ _id: id, status: 'draft' }, { $set: set });
  }

  async deleteDraft(tenantId: string, id: CampaignId): Promise<void> {
    await this.models.campaigns(tenantId).deleteOne({ _id: id, status: 'draft' });
  }

  async setBudget(tenantId: string, id: CampaignId, budgetCap: number | null): Promise<void> {
    await this.models.campaigns(tenantId).updateOne({ _id: id }, { $set: { budgetCap } });
  }

  /** What a launch fixes: the template as approved, the estimate and the number it sends from. */
  async recordLaunch(tenantId: string, id: CampaignId, launch: Pick<CampaignDoc, 'template' | 'estimate' | 'phoneNumberId'>): Promise<void> {
    await this.models.campaigns(tenantId).updateOne({ _id: id }, { $set: launch });
  }

  /** Every audience member is a recipient: dispatch may start. */
  async markMaterialised(tenantId: string, id: CampaignId): Promise<void> {
    await this.models.campaigns(tenantId).updateOne({ _id: id }, { $set: { materialisedAt: new Date() } });
  }

  /** Mirrors the actor's state on the document; returns the document after it, or null when it is gone. */
  mirrorState(tenantId: string, id: string, state: Partial<CampaignDoc>): Promise<CampaignDoc | null> {
    return this.models.campaigns(tenantId).findOneAndUpdate({ _id: id }, { $set: state }, { returnDocument: 'after' }).lean();
  }
}

/** The campaign domain's storage: its three repositories, over the collections they alone touch. */
export interface CampaignStore {
  campaigns: CampaignsRepository;
  recipients: RecipientsRepository;
  queue: SendQueueRepository;
  /** The collections themselves, for tests and benchmarks that look at what was stored. */
  models: CampaignModels;
}

export function createCampaignStore(db: Database, redis: Redis): CampaignStore {
  const models = new CampaignModels(db);
  return {
    campaigns: new CampaignsRepository(models),
    recipients: new RecipientsRepository(db, models),
    queue: new SendQueueRepository(db, redis, models),
    models,
  };
}

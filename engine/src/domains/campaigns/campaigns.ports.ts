import type { Redis } from 'ioredis';
import type { Model } from 'mongoose';
import type { MediaView, TemplateView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { Jobs } from '../../platform/jobs/agenda.js';
import type { TokenBuckets } from '../../platform/redis/token-bucket.js';
import type { Config } from '../../config/config.js';
import type { AuditService } from '../audit/index.js';
import type { ChannelsService, OpenChannel } from '../channels/index.js';
import type { ContactsService } from '../contacts/index.js';
import type { CustomersService } from '../customers/index.js';
import type { SendableMedia } from '../media/index.js';
import type { NotificationsService } from '../notifications/index.js';
import type { TemplateStatusListener } from '../templates/index.js';
import type { WebhooksService } from '../webhooks/index.js';
import { campaignSchema, claimSchema, queuePageSchema, recipientSchema, type CampaignDoc, type ClaimDoc, type QueuePageDoc, type RecipientDoc } from './campaigns.model.js';
import type { RateCard } from './rate-card.js';

/**
 * What campaigns need from templates: one template with every variable a send needs, a resync
 * when WhatsApp disagrees, and word of every status WhatsApp gives a template.
 */
export interface TemplatesPort {
  get(tenantId: string, templateId: string): Promise<TemplateView>;
  sync(tenantId: string): Promise<unknown>;
  onTemplateStatusChanged(listener: TemplateStatusListener): void;
}

/**
 * What campaigns need from uploaded files: the record a header mapping names, and its media id as
 * WhatsApp knows it now (uploaded again once the old one is near its 30 days).
 */
export interface MediaPort {
  find(tenantId: string, id: string): Promise<MediaView | null>;
  /** Campaigns say which of their files must not be deleted. */
  guardDeletion(users: (tenantId: string, mediaId: string) => Promise<string[]>): void;
  sendable(tenantId: string, id: string, channel: OpenChannel): Promise<SendableMedia>;
}

export interface CampaignsDeps {
  db: Database;
  redis: Redis;
  logger: Logger;
  realtime: RealtimeEmitter;
  graph: GraphClient;
  jobs: Jobs;
  buckets: TokenBuckets;
  audit: AuditService;
  channels: ChannelsService;
  contacts: ContactsService;
  customers: CustomersService;
  templates: TemplatesPort;
  media: MediaPort;
  notifications: NotificationsService;
  webhooks: WebhooksService;
  settings: Config['campaigns'];
  rateCard: RateCard;
  /** The zone the tenant's business runs in (its bot settings); campaigns are scheduled in it. */
  tenantTimeZone(tenantId: string): Promise<string>;
  /** Whether the tenant may send: a suspended tenant's campaigns pause before their next message. */
  tenantActive(tenantId: string): Promise<boolean>;
}

/** The campaign domain's collections in a tenant's database. */
export class CampaignModels {
  readonly campaigns: (tenantId: string) => Model<CampaignDoc>;
  readonly recipients: (tenantId: string) => Model<RecipientDoc>;
  readonly claims: (tenantId: string) => Model<ClaimDoc>;
  readonly queuePages: (tenantId: string) => Model<QueuePageDoc>;

  constructor(db: Database) {
    this.campaigns = db.defineTenantModel('Campaign', campaignSchema);
    this.recipients = db.defineTenantModel('CampaignRecipient', recipientSchema);
    this.claims = db.defineTenantModel('CampaignClaim', claimSchema);
    this.queuePages = db.defineTenantModel('CampaignQueuePage', queuePageSchema);
  }
}

import type { DomainMount, Platform } from '../../platform/domain.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { TokenBuckets } from '../../platform/redis/token-bucket.js';
import { CampaignLifecycle } from './campaign.lifecycle.js';
import { findTemplate } from './campaign-template.js';
import { defineCampaignJobs, rearmRunning } from './campaigns.jobs.js';
import { CLAIM_PREFIX, type CampaignModels } from './campaigns.model.js';
import type { CampaignsPorts } from './campaigns.ports.js';
import { createCampaignStore } from './campaigns.repository.js';
import { campaignsRoutes } from './campaigns.routes.js';
import { CampaignsService } from './campaigns.service.js';
import { DispatchGate } from './dispatch-gate.js';
import { Dispatcher } from './dispatch.service.js';
import { materialise } from './materialise.js';
import { loadRateCard } from './rate-card.js';
import { Settler } from './settler.js';
import { SpendLedger } from './spend-ledger.js';
import { TestSendGuard } from './test-send-guard.js';
import { TrackingService } from './tracking.service.js';

export type { CampaignsPorts, TemplatesPort, MediaPort, CustomersPort, WebhooksPort } from './campaigns.ports.js';
export { loadRateCard, DEFAULT_RATE_CARD, type RateCard } from './rate-card.js';
export { CampaignsService } from './campaigns.service.js';

export interface CampaignsDomain extends DomainMount {
  routes: RouteSpec[];
  campaigns: CampaignsService;
  dispatcher: Dispatcher;
  tracking: TrackingService;
  /** The collections, for tests and benchmarks that look at what was stored. */
  models: CampaignModels;
  /** Materialises a campaign's audience now (dispatch does it when the campaign starts). */
  materialise(tenantId: string, campaignId: string): Promise<number>;
  /** Arms the dispatch job of every running campaign (at boot and every little while). */
  rearm(tenantIds: string[]): Promise<void>;
  close(): Promise<void>;
  /** Stops sending and the scheduler (before a test drops its databases). */
  stop(): Promise<void>;
}

/** Builds the campaign domain, defines its jobs and plugs it into webhook intake and consent changes. */
export function createCampaignsDomain(platform: Platform, ports: CampaignsPorts): CampaignsDomain {
  const settings = platform.config.campaigns;
  const rateCard = loadRateCard(settings.rateCardJson);
  const store = createCampaignStore(platform.db, platform.redis);
  const spend = new SpendLedger(platform.redis);
  const lifecycle = new CampaignLifecycle({ platform, store, spend, notifications: ports.notifications });
  const settler = new Settler({ platform, settings, recipients: store.recipients, lifecycle, customers: ports.customers, templates: ports.templates });
  const gate = new DispatchGate({ redis: platform.redis, rateCard, recipients: store.recipients, lifecycle, spend, customers: ports.customers, media: ports.media });
  const { tenants, templates, contacts, channels, webhooks } = ports;
  const dispatcher = new Dispatcher({ platform, settings, buckets: new TokenBuckets(platform.redis), store, lifecycle, gate, settler, tenants, templates, contacts, channels, webhooks });
  const tracking = new TrackingService({ platform, settings, store, lifecycle, settler, channels: ports.channels });
  const testSends = new TestSendGuard(platform.redis, settings.testSends);
  const campaigns = new CampaignsService({ platform, rateCard, store, lifecycle, testSends, ports });
  defineCampaignJobs(platform.jobs, store.campaigns, lifecycle, dispatcher, platform.logger);
  subscribe(platform, ports, { tracking, campaigns });

  const stopSending = () => {
    dispatcher.stop();
    lifecycle.close();
  };
  return {
    campaigns,
    dispatcher,
    tracking,
    models: store.models,
    routes: campaignsRoutes(campaigns),
    async materialise(tenantId, campaignId) {
      const campaign = await store.campaigns.find(tenantId, campaignId);
      const template = campaign ? await findTemplate(ports.templates, tenantId, campaign.templateId) : null;
      if (!campaign || !template) throw new Error(`campaign ${campaignId} or its template is missing`);
      return materialise(store, tenantId, campaign, template, ports.contacts.streamAudience(tenantId, campaign.audience));
    },
    /** Finishes what a crash left: effects of committed transitions, running campaigns without a job. */
    async sweepTenant(tenantId) {
      await lifecycle.sweep(tenantId);
      await rearmRunning([tenantId], store.campaigns, lifecycle);
    },
    rearm: (tenantIds) => rearmRunning(tenantIds, store.campaigns, lifecycle),
    close: async () => stopSending(),
    async stop() {
      stopSending();
      await platform.jobs.stop();
    },
  };
}

/** Webhook statuses, inbound messages and events, template statuses, consent changes, file deletions. */
function subscribe(platform: Platform, ports: CampaignsPorts, { tracking, campaigns }: { tracking: TrackingService; campaigns: CampaignsService }): void {
  // Statuses of campaign sends are recognised by their claim id and never reach conversations.
  // A send left unconfirmed looks for its stored statuses by its claim id (Dispatcher).
  ports.webhooks.indexCallbacks((callback) => callback.startsWith(CLAIM_PREFIX));
  ports.webhooks.routeStatuses((status) => (status.biz_opaque_callback_data ?? '').startsWith(CLAIM_PREFIX), (tenantId, item) => tracking.applyStatus(tenantId, item.status));
  ports.webhooks.onMessage((tenantId, item) => tracking.applyInbound(tenantId, item));
  ports.webhooks.onEvent((tenantId, item) => tracking.applyEvent(tenantId, item));
  ports.templates.onTemplateStatusChanged((tenantId, change) => tracking.applyTemplateStatus(tenantId, change));
  ports.media.guardDeletion((tenantId, mediaId) => campaigns.usingHeaderFile(tenantId, mediaId));
  ports.customers.onConsentChanged((tenantId, change) => {
    tracking.applyConsent(tenantId, change).catch((error: unknown) => platform.logger.error({ err: error, tenantId }, 'opt-out not attributed to campaigns'));
  });
}

import { CampaignLifecycle } from './campaign.lifecycle.js';
import { findTemplate } from './campaign-template.js';
import { defineCampaignJobs, rearmRunning } from './campaigns.jobs.js';
import { CampaignModels, type CampaignsDeps } from './campaigns.ports.js';
import { campaignsRoutes } from './campaigns.routes.js';
import { TestSendGuard } from './test-send-guard.js';
import { CampaignsService } from './campaigns.service.js';
import { CLAIM_PREFIX } from './campaigns.model.js';
import { Dispatcher } from './dispatch.service.js';
import { materialise } from './materialise.js';
import { Settler } from './settler.js';
import { SpendLedger } from './spend-ledger.js';
import { TrackingService } from './tracking.service.js';

export type { CampaignsDeps, TemplatesPort } from './campaigns.ports.js';
export { loadRateCard, DEFAULT_RATE_CARD, type RateCard } from './rate-card.js';
export { CampaignsService } from './campaigns.service.js';

/** Builds the campaign domain, defines its jobs and plugs it into webhook intake and consent changes. */
export function createCampaignsDomain(deps: CampaignsDeps) {
  const models = new CampaignModels(deps.db);
  const lifecycle = new CampaignLifecycle(deps, models, new SpendLedger(deps.redis));
  const settler = new Settler(deps, models, lifecycle);
  const dispatcher = new Dispatcher(deps, models, lifecycle, settler);
  const tracking = new TrackingService(deps, models, lifecycle, settler);
  const campaigns = new CampaignsService(deps, models, lifecycle, new TestSendGuard(deps.redis, deps.settings.testSends));
  defineCampaignJobs(deps.jobs, models, lifecycle, dispatcher, deps.logger);

  // Statuses of campaign sends are recognised by their claim id and never reach conversations.
  // A send left unconfirmed looks for its stored statuses by its claim id (Dispatcher).
  deps.webhooks.indexCallbacks((callback) => callback.startsWith(CLAIM_PREFIX));
  deps.webhooks.route('status', (item) => (item.status.biz_opaque_callback_data ?? '').startsWith(CLAIM_PREFIX), (tenantId, item) => tracking.applyStatus(tenantId, item.status));
  deps.webhooks.on('message', (tenantId, item) => tracking.applyInbound(tenantId, item));
  deps.webhooks.on('event', (tenantId, item) => tracking.applyEvent(tenantId, item));
  deps.templates.onTemplateStatusChanged((tenantId, change) => tracking.applyTemplateStatus(tenantId, change));
  deps.media.guardDeletion((tenantId, mediaId) => campaigns.usingHeaderFile(tenantId, mediaId));
  deps.customers.onConsentChanged((tenantId, change) => {
    tracking.applyConsent(tenantId, change).catch((error: unknown) => deps.logger.error({ err: error, tenantId }, 'opt-out not attributed to campaigns'));
  });

  return {
    campaigns,
    dispatcher,
    tracking,
    models,
    routes: campaignsRoutes(campaigns),
    /** Materialises a campaign's audience now (dispatch does it when the campaign starts). */
    async materialise(tenantId: string, campaignId: string): Promise<number> {
      const campaign = await models.campaigns(tenantId).findById(campaignId).lean();
      const template = campaign ? await findTemplate(deps.templates, tenantId, campaign.templateId) : null;
      if (!campaign || !template) throw new Error(`campaign ${campaignId} or its template is missing`);
      return materialise(models, tenantId, campaign, template, deps.contacts.streamAudience(tenantId, campaign.audience));
    },
    /** Finishes what a crash left: effects of committed transitions, running campaigns without a job. */
    async sweep(tenantIds: string[]): Promise<void> {
      for (const tenantId of tenantIds) await lifecycle.sweep(tenantId);
      await rearmRunning(tenantIds, models, lifecycle);
    },
    /** Arms the dispatch job of every running campaign (at boot and every little while). */
    rearm: (tenantIds: string[]) => rearmRunning(tenantIds, models, lifecycle),
    close: () => {
      dispatcher.stop();
      lifecycle.close();
    },
    /** Stops sending and the scheduler (before a test drops its databases). */
    async stop(): Promise<void> {
      dispatcher.stop();
      lifecycle.close();
      await deps.jobs.stop();
    },
  };
}

export type CampaignsDomain = ReturnType<typeof createCampaignsDomain>;

import type { Job } from 'agenda';
import type { Logger } from '../../platform/logger/logger.js';
import type { Jobs } from '../../platform/jobs/agenda.js';
import { DISPATCH_JOB, type CampaignLifecycle } from './campaign.lifecycle.js';
import type { Dispatcher } from './dispatch.service.js';
import type { CampaignsRepository } from './campaigns.repository.js';

/** A job run sends batches for this long at most, then re-arms itself (a run holds a lock). */
const RUN_FOR_MS = 60_000;

interface DispatchData {
  tenantId: string;
  campaignId: string;
}

/**
 * One job per campaign: at its schedule it starts the campaign, then it runs dispatch batches and
 * re-arms itself while work remains (a retry later, a send awaiting its status). Within a process
 * a campaign's runs never overlap (they would lose claims to each other and leave sends waiting
 * out their grace); across processes running it twice is harmless: START is applied once per
 * campaign and every send is claimed.
 */
export function defineCampaignJobs(jobs: Jobs, campaigns: CampaignsRepository, lifecycle: CampaignLifecycle, dispatcher: Dispatcher, logger: Logger): void {
  jobs.define<DispatchData>(DISPATCH_JOB, async (data, job: Job<DispatchData>) => {
    const { tenantId, campaignId } = data;
    const campaign = await campaigns.find(tenantId, campaignId);
    if (!campaign) return;
    if (campaign.status === 'scheduled') await lifecycle.send(tenantId, campaignId, { type: 'START', at: Date.now() }, 'start');
    const started = Date.now();
    let next: Date | null = new Date();
    try {
      while (next && dispatcher.running && next.getTime() <= Date.now() && Date.now() - started < RUN_FOR_MS) {
        next = await dispatcher.runBatch(tenantId, campaignId);
      }
      // The run (and its lock) lasts until the batches it started have sent and settled.
      await dispatcher.drain(campaignId);
    } catch (error) {
      logger.error({ err: error, tenantId, campaignId }, 'dispatch batch failed; trying again shortly');
      await dispatcher.drain(campaignId);
      next = new Date(Date.now() + 2000);
    }
    if (next && dispatcher.running) job.schedule(next);
  }, { exclusiveBy: ({ tenantId, campaignId }) => `${tenantId}/${campaignId}` });
}

/** Re-arms running campaigns whose job was lost (a crash while it was locked, a dropped save). */
export async function rearmRunning(tenantIds: string[], campaigns: CampaignsRepository, lifecycle: CampaignLifecycle): Promise<void> {
  for (const tenantId of tenantIds) {
    const running = await campaigns.runningIds(tenantId);
    for (const campaignId of running) await lifecycle.arm(tenantId, campaignId, new Date(), true);
  }
}

import type { ServerToClientEvents } from '@parley/common';
import { useCampaignStore } from './campaign.store';
import { useCampaignsStore } from './campaigns.store';

export const campaignsSocket = {
  campaignUpdated: ((view) => {
    useCampaignsStore().receive(view);
    useCampaignStore().receive(view);
  }) satisfies ServerToClientEvents['campaign:updated'],

  campaignRate: ((change) => useCampaignStore().receivePoints(change.campaignId, change.points)) satisfies ServerToClientEvents['campaign:rate'],

  refetch: async () => {
    await useCampaignsStore().refetch();
    await useCampaignStore().refetch();
  },
};

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CampaignView } from '@parley/common';
import { campaignsApi } from './campaigns.api';

/** Newest first, the order the engine lists them in. */
function byCreatedAt(a: CampaignView, b: CampaignView): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** The tenant's campaigns as listed on the campaigns page, kept live by `campaign:updated`. */
export const useCampaignsStore = defineStore('campaigns', () => {
  const campaigns = ref<CampaignView[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const list = await campaignsApi.list();
      if (mine !== ticket) return;
      campaigns.value = [...list].sort(byCreatedAt);
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  /** A campaign created elsewhere appears; a known one is replaced by its newer view. */
  function receive(view: CampaignView): void {
    if (!loaded.value) return;
    const others = campaigns.value.filter((campaign) => campaign.id !== view.id);
    campaigns.value = [...others, view].sort(byCreatedAt);
  }

  function forget(id: string): void {
    campaigns.value = campaigns.value.filter((campaign) => campaign.id !== id);
  }

  return { campaigns, loaded, loading, fetch, refetch, receive, forget };
});

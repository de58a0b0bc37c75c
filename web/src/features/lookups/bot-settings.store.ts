import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { BotSettings } from '@parley/common';
import { botSettingsApi } from './lookups.api';

/** What the bot says and when the business is open; one document per tenant. */
export const useBotSettingsStore = defineStore('botSettings', () => {
  const settings = ref<BotSettings | null>(null);
  const loading = reactive({ load: false, save: false });
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.load = true;
    try {
      const answer = await botSettingsApi.get();
      if (mine === ticket) settings.value = answer;
    } finally {
      if (mine === ticket) loading.load = false;
    }
  }

  async function save(next: BotSettings): Promise<void> {
    loading.save = true;
    try {
      settings.value = await botSettingsApi.save(next);
    } finally {
      loading.save = false;
    }
  }

  async function refetch(): Promise<void> {
    if (settings.value) await fetch();
  }

  return { settings, loading, fetch, save, refetch };
});

import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { TemplateSummary } from '@parley/common';
import { templatesApi } from './inbox.api';

/** The tenant's WhatsApp templates as last synced; only APPROVED ones may be sent. */
export const useTemplatesStore = defineStore('templates', () => {
  const templates = ref<TemplateSummary[]>([]);
  const loaded = ref(false);
  const loading = reactive({ list: false, sync: false });
  // A sync answers with the whole list too: whichever answer was asked for last wins.
  let ticket = 0;

  const approved = computed(() => templates.value.filter((template) => template.status === 'APPROVED'));

  async function take(loadingKey: 'list' | 'sync', call: () => Promise<TemplateSummary[]>): Promise<void> {
    const mine = ++ticket;
    loading[loadingKey] = true;
    try {
      const list = await call();
      if (mine !== ticket) return;
      templates.value = list;
      loaded.value = true;
    } finally {
      loading[loadingKey] = false;
    }
  }

  const fetch = () => take('list', templatesApi.list);
  const sync = () => take('sync', templatesApi.sync);

  async function ensureLoaded(): Promise<void> {
    if (!loaded.value && !loading.list) await fetch();
  }

  return { templates, approved, loaded, loading, fetch, sync, ensureLoaded };
});

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AuditAction, AuditEntryView } from '@parley/common';
import { platformAuditApi } from './audit.api';

export const usePlatformAuditStore = defineStore('platform-audit', () => {
  const entries = ref<AuditEntryView[]>([]);
  const loading = ref(false);
  /** The platform log comes whole; the filter narrows what is already here. */
  const action = ref<AuditAction | null>(null);
  let ticket = 0;

  const visible = computed(() => (action.value ? entries.value.filter((entry) => entry.action === action.value) : entries.value));

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const list = await platformAuditApi.list();
      if (mine === ticket) entries.value = list;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  return { entries, visible, action, loading, fetch };
});

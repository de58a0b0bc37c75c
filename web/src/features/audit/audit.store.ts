import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditAction, AuditEntryView } from '@parley/common';
import { auditApi } from './audit.api';

export const useAuditStore = defineStore('audit', () => {
  const entries = ref<AuditEntryView[]>([]);
  const action = ref<AuditAction | null>(null);
  const limit = ref(50);
  const loading = ref(false);
  const loaded = ref(false);
  // Changing the filter quickly sends overlapping requests; only the latest answer may land.
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const list = await auditApi.list({ limit: limit.value, action: action.value ?? undefined });
      if (mine === ticket) {
        entries.value = list;
        loaded.value = true;
      }
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  async function filterBy(next: AuditAction | null): Promise<void> {
    action.value = next;
    await fetch();
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  return { entries, action, limit, loading, loaded, fetch, filterBy, refetch };
});

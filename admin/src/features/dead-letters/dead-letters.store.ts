import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DeadLetterView } from '@parley/common';
import { deadLettersApi } from './dead-letters.api';

export const useDeadLettersStore = defineStore('dead-letters', () => {
  const items = ref<DeadLetterView[]>([]);
  const count = ref(0);
  const loading = ref(false);
  /** Dead letters with a retry or discard under way. */
  const busy = ref(new Set<string>());
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const list = await deadLettersApi.list();
      // A slower, older answer never overwrites a newer one.
      if (mine !== ticket) return;
      items.value = list.items;
      count.value = list.count;
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  async function settle(id: string, action: 'retry' | 'discard'): Promise<void> {
    busy.value.add(id);
    try {
      await (action === 'retry' ? deadLettersApi.retry(id) : deadLettersApi.discard(id));
      items.value = items.value.filter((item) => item.id !== id);
      count.value = Math.max(0, count.value - 1);
    } finally {
      busy.value.delete(id);
    }
  }

  return { items, count, loading, busy, fetch, retry: (id: string) => settle(id, 'retry'), discard: (id: string) => settle(id, 'discard') };
});

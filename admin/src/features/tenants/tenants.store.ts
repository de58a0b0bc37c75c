import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { CreateTenantBody, CreatedTenantView, TenantView } from '@parley/common';
import { tenantsApi } from './tenants.api';

export const useTenantsStore = defineStore('tenants', () => {
  const tenants = ref<TenantView[]>([]);
  const loaded = ref(false);
  const loading = reactive({ list: false, onboarding: false });
  /** Tenants with a suspend or reactivate in flight. */
  const busy = reactive(new Set<string>());
  let ticket = 0;

  const sorted = computed(() => [...tenants.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));

  function receive(tenant: TenantView): void {
    const exists = tenants.value.some((existing) => existing.id === tenant.id);
    tenants.value = exists ? tenants.value.map((existing) => (existing.id === tenant.id ? tenant : existing)) : [...tenants.value, tenant];
  }

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.list = true;
    try {
      const list = await tenantsApi.list();
      if (mine === ticket) {
        tenants.value = list;
        loaded.value = true;
      }
    } finally {
      if (mine === ticket) loading.list = false;
    }
  }

  async function onboard(body: CreateTenantBody): Promise<CreatedTenantView> {
    loading.onboarding = true;
    try {
      const created = await tenantsApi.create(body);
      receive(created.tenant);
      return created;
    } finally {
      loading.onboarding = false;
    }
  }

  async function change(id: string, call: () => Promise<TenantView>): Promise<void> {
    busy.add(id);
    try {
      receive(await call());
    } finally {
      busy.delete(id);
    }
  }

  const suspend = (id: string, reason: string) => change(id, () => tenantsApi.suspend(id, reason));
  const reactivate = (id: string) => change(id, () => tenantsApi.reactivate(id));

  return { tenants: sorted, loaded, loading, busy, fetch, onboard, suspend, reactivate };
});

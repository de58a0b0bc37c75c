import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { LOOKUP_KINDS, type LookupBody, type LookupKind, type LookupRow } from '@parley/common';
import { lookupsApi } from './lookups.api';

type PerKind<T> = Record<LookupKind, T>;

function perKind<T>(make: () => T): PerKind<T> {
  return { services: make(), products: make(), issues: make() };
}

/** The tenant's lookup tables, which the bot matches customer messages against. */
export const useLookupsStore = defineStore('lookups', () => {
  const rows = reactive<PerKind<LookupRow[]>>(perKind(() => []));
  const loaded = reactive<PerKind<boolean>>(perKind(() => false));
  const loading = reactive({ ...perKind(() => false), saving: false });
  const busy = reactive(new Set<string>());
  const tickets = perKind(() => 0);

  async function fetch(kind: LookupKind): Promise<void> {
    const mine = ++tickets[kind];
    loading[kind] = true;
    try {
      const list = await lookupsApi.list(kind);
      if (mine !== tickets[kind]) return;
      rows[kind] = [...list].sort((a, b) => a.name.localeCompare(b.name));
      loaded[kind] = true;
    } finally {
      if (mine === tickets[kind]) loading[kind] = false;
    }
  }

  /** Someone (here or in another tab) changed a table: reload it if it is on screen. */
  async function changed(kind: LookupKind): Promise<void> {
    if (loaded[kind]) await fetch(kind);
  }

  async function refetch(): Promise<void> {
    await Promise.all(LOOKUP_KINDS.map(changed));
  }

  function receive(row: LookupRow): void {
    rows[row.kind] = [...rows[row.kind].filter((r) => r.id !== row.id), row].sort((a, b) => a.name.localeCompare(b.name));
  }

  async function save(kind: LookupKind, id: string | null, body: LookupBody): Promise<void> {
    loading.saving = true;
    try {
      receive(id ? await lookupsApi.update(kind, id, body) : await lookupsApi.create(kind, body));
    } finally {
      loading.saving = false;
    }
  }

  async function remove(kind: LookupKind, id: string): Promise<void> {
    busy.add(id);
    try {
      await lookupsApi.remove(kind, id);
      rows[kind] = rows[kind].filter((row) => row.id !== id);
    } finally {
      busy.delete(id);
    }
  }

  return { rows, loaded, loading, busy, fetch, changed, refetch, save, remove };
});

import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { CreateTemplateBody, TemplateView, UpdateTemplateBody } from '@parley/common';
import { templatesApi } from './templates.api';

function byName(a: TemplateView, b: TemplateView): number {
  return a.name.localeCompare(b.name) || a.language.localeCompare(b.language);
}

/** The template library of the Templates page: every status, drafts included, kept live. */
export const useTemplateLibraryStore = defineStore('template-library', () => {
  const items = ref<TemplateView[]>([]);
  const loaded = ref(false);
  const loading = reactive({ list: false, sync: false, saving: false });
  const busy = reactive(new Set<string>());
  // Only the latest list answer lands: a sync and a reconnect refetch may overlap.
  let ticket = 0;

  const sorted = computed(() => [...items.value].sort(byName));

  async function load(fetcher: () => Promise<TemplateView[]>, flag: 'list' | 'sync'): Promise<void> {
    const mine = ++ticket;
    loading[flag] = true;
    try {
      const list = await fetcher();
      if (mine !== ticket) return;
      items.value = list;
      loaded.value = true;
    } finally {
      loading[flag] = false;
    }
  }

  const fetch = () => load(templatesApi.list, 'list');
  const sync = () => load(templatesApi.sync, 'sync');

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  /** A view from the server (an answer or a live event) replaces the one shown. */
  function received(view: TemplateView): void {
    if (!loaded.value) return;
    items.value = [...items.value.filter((item) => item.id !== view.id), view];
  }

  function removed(id: string): void {
    items.value = items.value.filter((item) => item.id !== id);
  }

  async function saving<T>(action: () => Promise<T>): Promise<T> {
    loading.saving = true;
    try {
      return await action();
    } finally {
      loading.saving = false;
    }
  }

  async function create(body: CreateTemplateBody): Promise<TemplateView> {
    const view = await saving(() => templatesApi.create(body));
    received(view);
    return view;
  }

  async function update(id: string, body: UpdateTemplateBody): Promise<TemplateView> {
    const view = await saving(() => templatesApi.update(id, body));
    received(view);
    return view;
  }

  async function submit(id: string): Promise<TemplateView> {
    busy.add(id);
    try {
      const view = await templatesApi.submit(id);
      received(view);
      return view;
    } finally {
      busy.delete(id);
    }
  }

  async function remove(id: string): Promise<void> {
    busy.add(id);
    try {
      await templatesApi.remove(id);
      removed(id);
    } finally {
      busy.delete(id);
    }
  }

  return { items, sorted, loaded, loading, busy, fetch, sync, refetch, received, removed, create, update, submit, remove };
});

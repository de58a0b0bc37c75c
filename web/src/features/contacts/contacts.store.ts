import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { ContactListView, ContactView, SegmentFilter, SegmentView } from '@parley/common';
import { contactsApi, listsApi, segmentsApi, type BulkChange, type ContactQuery } from './contacts.api';

/** The contacts table with its filters, and the lists, segments and tags it filters by. */
export const useContactsStore = defineStore('contacts', () => {
  const query = reactive<ContactQuery>({ page: 1, limit: 25 });
  const items = ref<ContactView[]>([]);
  const total = ref(0);
  const lists = ref<ContactListView[]>([]);
  const segments = ref<SegmentView[]>([]);
  const tags = ref<string[]>([]);
  const loaded = ref(false);
  const loading = reactive({ contacts: false, lists: false, segments: false, saving: false });
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.contacts = true;
    try {
      const page = await contactsApi.search({ ...query, q: query.q || undefined });
      if (mine !== ticket) return;
      items.value = page.items;
      total.value = page.total;
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.contacts = false;
    }
  }

  async function fetchLists(): Promise<void> {
    loading.lists = true;
    try {
      lists.value = await listsApi.list();
    } finally {
      loading.lists = false;
    }
  }

  async function fetchSegments(): Promise<void> {
    loading.segments = true;
    try {
      segments.value = await segmentsApi.list();
    } finally {
      loading.segments = false;
    }
  }

  async function fetchTags(): Promise<void> {
    tags.value = await contactsApi.tags();
  }

  async function refetch(): Promise<void> {
    if (!loaded.value) return;
    await Promise.all([fetch(), fetchLists(), fetchSegments(), fetchTags()]);
  }

  /** Changing a filter starts again from the first page. */
  async function filter(change: Partial<Omit<ContactQuery, 'page' | 'limit'>>): Promise<void> {
    Object.assign(query, change, { page: 1 });
    await fetch();
  }

  async function goTo(page: number, limit = query.limit): Promise<void> {
    Object.assign(query, { page, limit });
    await fetch();
  }

  async function bulk(change: BulkChange): Promise<void> {
    loading.saving = true;
    try {
      await contactsApi.bulk(change);
      await Promise.all([fetch(), fetchTags(), fetchLists()]);
    } finally {
      loading.saving = false;
    }
  }

  async function saveList(id: string | null, name: string): Promise<void> {
    if (id) await listsApi.rename(id, name);
    else await listsApi.create(name);
    await fetchLists();
  }

  async function removeList(id: string): Promise<void> {
    await listsApi.remove(id);
    if (query.listId === id) query.listId = undefined;
    await Promise.all([fetchLists(), fetch()]);
  }

  async function saveSegment(id: string | null, name: string, segmentFilter: SegmentFilter): Promise<void> {
    loading.saving = true;
    try {
      if (id) await segmentsApi.update(id, name, segmentFilter);
      else await segmentsApi.create(name, segmentFilter);
      await fetchSegments();
    } finally {
      loading.saving = false;
    }
  }

  async function removeSegment(id: string): Promise<void> {
    await segmentsApi.remove(id);
    if (query.segmentId === id) query.segmentId = undefined;
    await Promise.all([fetchSegments(), fetch()]);
  }

  return { query, items, total, lists, segments, tags, loaded, loading, fetch, fetchLists, fetchSegments, fetchTags, refetch, filter, goTo, bulk, saveList, removeList, saveSegment, removeSegment };
});

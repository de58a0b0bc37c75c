import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NotificationView } from '@parley/common';
import { notificationsApi } from './notifications.api';

const LIMIT = 30;

export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<NotificationView[]>([]);
  const unread = ref(0);
  const loading = ref({ list: false, markAll: false });
  const loaded = ref(false);
  // A reconnect refetch may overlap an open menu's fetch: only the latest answer lands.
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.value.list = true;
    try {
      const result = await notificationsApi.list({ limit: LIMIT });
      if (mine !== ticket) return;
      items.value = result.items;
      unread.value = result.unread;
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.value.list = false;
    }
  }

  function received(notification: NotificationView): void {
    if (items.value.some((n) => n.id === notification.id)) return;
    items.value = [notification, ...items.value].slice(0, LIMIT);
    if (!notification.readAt) unread.value++;
  }

  async function markRead(id: string): Promise<void> {
    const current = items.value.find((n) => n.id === id);
    if (!current || current.readAt) return;
    const updated = await notificationsApi.markRead(id);
    items.value = items.value.map((n) => (n.id === id ? updated : n));
    unread.value = Math.max(0, unread.value - 1);
  }

  async function markAllRead(): Promise<void> {
    loading.value.markAll = true;
    try {
      await notificationsApi.markAllRead();
      const now = new Date().toISOString();
      items.value = items.value.map((n) => (n.readAt ? n : { ...n, readAt: now }));
      unread.value = 0;
    } finally {
      loading.value.markAll = false;
    }
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  function reset(): void {
    items.value = [];
    unread.value = 0;
    loaded.value = false;
  }

  return { items, unread, loading, loaded, fetch, received, markRead, markAllRead, refetch, reset };
});

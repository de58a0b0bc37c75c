import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { ChannelView, ConnectChannelBody } from '@parley/common';
import { channelsApi } from './channels.api';

/** The tenant's WhatsApp numbers. */
export const useChannelsStore = defineStore('channels', () => {
  const channels = ref<ChannelView[]>([]);
  const loaded = ref(false);
  const loading = reactive({ list: false, connect: false });
  const busy = reactive(new Set<string>());
  let ticket = 0;

  async function fetch(): Promise<void> {
    const mine = ++ticket;
    loading.list = true;
    try {
      const list = await channelsApi.list();
      if (mine !== ticket) return;
      channels.value = list;
      loaded.value = true;
    } finally {
      if (mine === ticket) loading.list = false;
    }
  }

  async function refetch(): Promise<void> {
    if (loaded.value) await fetch();
  }

  async function connect(body: ConnectChannelBody): Promise<ChannelView> {
    loading.connect = true;
    try {
      const channel = await channelsApi.connect(body);
      channels.value = [...channels.value.filter((c) => c.phoneNumberId !== channel.phoneNumberId), channel];
      return channel;
    } finally {
      loading.connect = false;
    }
  }

  async function disconnect(phoneNumberId: string): Promise<void> {
    busy.add(phoneNumberId);
    try {
      await channelsApi.disconnect(phoneNumberId);
      channels.value = channels.value.filter((c) => c.phoneNumberId !== phoneNumberId);
    } finally {
      busy.delete(phoneNumberId);
    }
  }

  return { channels, loaded, loading, busy, fetch, refetch, connect, disconnect };
});

import type { ServerToClientEvents } from '@parley/common';
import { useBotSettingsStore } from './bot-settings.store';
import { useLookupsStore } from './lookups.store';

export const lookupsSocket = {
  lookupsChanged: ((change) => useLookupsStore().changed(change.kind)) satisfies ServerToClientEvents['lookups:changed'],

  refetch: async () => {
    await Promise.all([useLookupsStore().refetch(), useBotSettingsStore().refetch()]);
  },
};

import { useChannelsStore } from './channels.store';

// Numbers have no live event yet: the list refreshes on load, after changes made here, and after a reconnect.
export const channelsSocket = {
  refetch: () => useChannelsStore().refetch(),
};

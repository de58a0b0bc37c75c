import type { ServerToClientEvents } from '@parley/common';
import { useMonitoringStore } from './monitoring.store';

export const monitoringSocket = {
  /** Any inbox movement may change the counters; the store refreshes once per burst while on screen. */
  changed: () => useMonitoringStore().nudge(),

  agentUpdated: ((agent) => {
    const store = useMonitoringStore();
    store.receiveAgent(agent);
    store.nudge();
  }) satisfies ServerToClientEvents['agent:updated'],

  refetch: () => useMonitoringStore().refetch(),
};

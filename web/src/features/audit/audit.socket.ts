import { useAuditStore } from './audit.store';

// The audit log has no live event: entries appear on refresh, and after a reconnect.
export const auditSocket = {
  refetch: () => useAuditStore().refetch(),
};

import type { AuditAction, AuditEntryView } from '@parley/common';
import { http } from '../../app/http';

export const auditApi = {
  list: (query: { limit: number; action?: AuditAction }) => http.get<AuditEntryView[]>('/api/audit', query),
};

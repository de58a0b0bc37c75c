import type { AuditEntryView } from '@parley/common';
import { http } from '@web/app/http';

export const platformAuditApi = {
  list: () => http.get<AuditEntryView[]>('/api/admin/audit'),
};

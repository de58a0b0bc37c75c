import type { DeadLetterList } from '@parley/common';
import { http } from '@web/app/http';

/** Ids hold `:` and `.` of their own (`<tenant>:msg:wamid...`): always sent encoded. */
const path = (id: string, action: 'retry' | 'discard') => `/api/admin/dead-letters/${encodeURIComponent(id)}/${action}`;

export const deadLettersApi = {
  list: () => http.get<DeadLetterList>('/api/admin/dead-letters'),
  retry: (id: string) => http.post<{ retried: true }>(path(id, 'retry')),
  discard: (id: string) => http.post<{ discarded: true }>(path(id, 'discard')),
};

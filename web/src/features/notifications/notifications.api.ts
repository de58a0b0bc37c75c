import type { NotificationView } from '@parley/common';
import { http } from '../../app/http';

export const notificationsApi = {
  list: (query: { limit: number; unread?: 'true' }) => http.get<{ items: NotificationView[]; unread: number }>('/api/notifications', query),
  markRead: (id: string) => http.post<NotificationView>(`/api/notifications/${id}/read`),
  markAllRead: () => http.post<{ updated: number }>('/api/notifications/read-all'),
};

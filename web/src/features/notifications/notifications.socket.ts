import type { NotificationView } from '@parley/common';
import { useNotificationsStore } from './notifications.store';

export const notificationsSocket = {
  created: (notification: NotificationView) => useNotificationsStore().received(notification),
  refetch: () => useNotificationsStore().refetch(),
};

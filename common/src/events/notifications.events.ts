import type { NotificationView } from '../schemas/notifications.schema.js';

/** Server-to-client events of notifications, to each recipient's own `user:<id>` room. */
export interface NotificationEvents {
  'notification:created': (notification: NotificationView) => void;
}

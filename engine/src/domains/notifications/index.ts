import type { DomainMount, Platform } from '../../platform/domain.js';
import { NotificationsService, type MemberRoles } from './notifications.service.js';
import { notificationsRoutes } from './notifications.routes.js';

export { NotificationsService, type Notice, type MemberRoles } from './notifications.service.js';
export { notificationsRoutes } from './notifications.routes.js';

export interface NotificationsPorts {
  /** The tenant's active members and their roles (users domain): who a notice for a role reaches. */
  members: MemberRoles;
}

export interface NotificationsDomain extends DomainMount {
  notifications: NotificationsService;
}

export function createNotificationsDomain(platform: Platform, ports: NotificationsPorts): NotificationsDomain {
  const notifications = new NotificationsService(platform.db, ports.members, platform.realtime);
  return { notifications, routes: notificationsRoutes(notifications) };
}

import { idParamsSchema, notificationListQuerySchema } from '@parley/common';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { NotificationsService } from './notifications.service.js';

/** Each person sees and dismisses only their own notifications. */
export function notificationsRoutes(notifications: NotificationsService): RouteSpec[] {
  return [
    tenantRoute({
      method: 'get',
      path: '/api/notifications',
      can: ['read', 'Notification'],
      query: notificationListQuerySchema,
      handler: ({ tenantId, auth, query }) => notifications.list(tenantId, auth.user.id, query),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/notifications/read-all',
      can: ['update', 'Notification'],
      handler: ({ tenantId, auth }) => notifications.markAllRead(tenantId, auth.user.id),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/notifications/:id/read',
      can: ['update', 'Notification'],
      params: idParamsSchema,
      handler: ({ tenantId, auth, params }) => notifications.markRead(tenantId, auth.user.id, params.id),
    }),
  ];
}

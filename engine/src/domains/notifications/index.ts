export { NotificationsService, type Notice, type MemberRoles } from './notifications.service.js';
export { notificationsRoutes } from './notifications.routes.js';

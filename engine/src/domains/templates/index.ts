import type { DomainMount, Platform } from '../../platform/domain.js';
import type { AuditService } from '../audit/index.js';
import type { ChannelsService } from '../channels/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { TemplatesService } from './templates.service.js';
import { templatesRoutes } from './templates.routes.js';

export { TemplatesService, type TemplateStatusListener } from './templates.service.js';
export type { TemplateStatusChange, TemplateEvent } from './template-webhooks.js';
export { buildTemplateMessage, type TemplateMessage } from './template-send.js';
export { templatesRoutes } from './templates.routes.js';

export interface TemplatesPorts {
  channels: ChannelsService;
  audit: AuditService;
  notifications: Pick<NotificationsService, 'notify'>;
}

export interface TemplatesDomain extends DomainMount {
  templates: TemplatesService;
}

/** Meta message templates: authored here, submitted to WhatsApp, kept in step with its webhooks. */
export function createTemplatesDomain(platform: Platform, ports: TemplatesPorts): TemplatesDomain {
  const templates = new TemplatesService(platform.db, ports.channels, platform.graph, ports.audit, ports.notifications, platform.realtime);
  return { templates, routes: templatesRoutes(templates) };
}

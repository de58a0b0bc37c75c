export { TemplatesService, type TemplateStatusListener } from './templates.service.js';
export type { TemplateStatusChange, TemplateEvent } from './template-webhooks.js';
export { buildTemplateMessage, type TemplateMessage } from './template-send.js';
export { templatesRoutes } from './templates.routes.js';

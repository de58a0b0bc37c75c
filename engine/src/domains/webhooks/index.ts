export { WebhooksService, type ChannelLookup, type IntakePace, type ItemHandler, type WebhookIntakeOptions } from './webhooks.service.js';
export { webhooksRouter } from './webhooks.routes.js';
export { accountEventHandler } from './account-events.js';
export { DeadLettersService } from './dead-letters.service.js';
export { deadLettersRoutes } from './dead-letters.routes.js';

export { WebhooksService, type ChannelLookup, type IntakePace, type ItemHandler } from './webhooks.service.js';
export { webhooksRouter } from './webhooks.routes.js';
export { accountEventHandler } from './account-events.js';

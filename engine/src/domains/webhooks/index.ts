export { WebhooksService, type ChannelLookup, type ItemHandler } from './webhooks.service.js';
export { webhooksRouter } from './webhooks.routes.js';
export { accountEventHandler } from './account-events.js';

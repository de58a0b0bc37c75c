import type { DomainMount, Platform } from '../../platform/domain.js';
import { GraphUrlPolicy } from '../../platform/whatsapp/graph-url.js';
import type { AuditService } from '../audit/index.js';
import { ChannelsService } from './channels.service.js';
import { channelsRoutes } from './channels.routes.js';

export { ChannelsService, DEFAULT_GRAPH_BASE_URL, type OpenChannel } from './channels.service.js';
export { channelsRoutes } from './channels.routes.js';

export interface ChannelsPorts {
  audit: AuditService;
}

export interface ChannelsDomain extends DomainMount {
  channels: ChannelsService;
}

/** Each tenant's WhatsApp numbers, their encrypted secrets and the routing of webhooks to tenants. */
export function createChannelsDomain(platform: Platform, ports: ChannelsPorts): ChannelsDomain {
  // The same policy as the Graph client's, from the same setting: a number's Graph address must be allowed.
  const graphUrls = new GraphUrlPolicy(platform.config.graphAllowedOrigins);
  const channels = new ChannelsService(platform.db, platform.config.encryptionKey, ports.audit, graphUrls);
  return { channels, routes: channelsRoutes(channels) };
}

import type { ChannelsService } from '../channels/index.js';

/** What the media domain calls in other domains, handed in at construction. */
export interface MediaPorts {
  /** Files go to WhatsApp through the tenant's first number. */
  channels: Pick<ChannelsService, 'openAll'>;
}

import type { AuditService } from '../audit/index.js';
import type { ChannelsService, OpenChannel } from '../channels/index.js';
import type { CustomersService } from '../customers/index.js';
import type { TemplatesService } from '../templates/index.js';

/** How the intake finds the channel a webhook names, and the tokens of the GET handshake. */
export interface ChannelLookup {
  byPhoneNumberId(phoneNumberId: string): Promise<OpenChannel | null>;
  byWabaId(wabaId: string): Promise<OpenChannel | null>;
  verifyTokens(): Promise<string[]>;
}

/** What account events (fields other than messages) change elsewhere. */
export interface AccountEventPorts {
  customers: Pick<CustomersService, 'byIdentity' | 'setMarketingConsent'>;
  channels: Pick<ChannelsService, 'phoneNumberIdOf' | 'updateHealth'>;
  templates: Pick<TemplatesService, 'applyWebhook'>;
}

/** What the webhooks domain calls in other domains, handed in at construction. */
export interface WebhooksPorts extends AccountEventPorts {
  channels: ChannelLookup & AccountEventPorts['channels'];
  audit: Pick<AuditService, 'recordPlatform'>;
  /** A tenant's name for the dead-letter list, or null once it is gone. */
  tenantName(tenantId: string): Promise<string | null>;
}

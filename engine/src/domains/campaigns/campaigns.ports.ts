import type { AudienceMember, AudienceSelection, ChannelView, ConsentState, MediaView, TemplateView } from '@parley/common';
import type { Config } from '../../config/config.js';
import type { StatusUpdate, WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { AuditRecord } from '../audit/index.js';
import type { OpenChannel } from '../channels/index.js';
import type { ConsentChange, CustomerDoc } from '../customers/index.js';
import type { SendableMedia } from '../media/index.js';
import type { Notice } from '../notifications/index.js';
import type { TemplateStatusListener } from '../templates/index.js';

/** The campaign settings of the configuration (CAMPAIGN_*). */
export type CampaignSettings = Config['campaigns'];

/**
 * What campaigns need from templates: one template with every variable a send needs, a resync
 * when WhatsApp disagrees, and word of every status WhatsApp gives a template.
 */
export interface TemplatesPort {
  get(tenantId: string, templateId: string): Promise<TemplateView>;
  sync(tenantId: string): Promise<unknown>;
  onTemplateStatusChanged(listener: TemplateStatusListener): void;
}

/**
 * What campaigns need from uploaded files: the record a header mapping names, and its media id as
 * WhatsApp knows it now (uploaded again once the old one is near its 30 days).
 */
export interface MediaPort {
  find(tenantId: string, id: string): Promise<MediaView | null>;
  /** Campaigns say which of their files must not be deleted. */
  guardDeletion(users: (tenantId: string, mediaId: string) => Promise<string[]>): void;
  sendable(tenantId: string, id: string, channel: OpenChannel): Promise<SendableMedia>;
}

/** The tenant's numbers: campaigns send from the first, at its throughput and messaging tier. */
export interface ChannelsPort {
  openAll(tenantId: string): Promise<OpenChannel[]>;
  list(tenantId: string): Promise<ChannelView[]>;
  /** The number a WABA-level event is about (quality updates name the display number). */
  phoneNumberIdOf(tenantId: string, wabaId: string, displayPhoneNumber: unknown): Promise<string | null>;
}

/** The people an audience selection reaches, in a stable order. */
export interface ContactsPort {
  streamAudience(tenantId: string, selection: AudienceSelection): AsyncIterable<AudienceMember>;
}

/** What the dispatch gate reads of a customer right before sending. */
export type Reachability = Pick<CustomerDoc, '_id' | 'marketingConsent' | 'unreachable'>;

/** Consent and reachability of customers, and their changes. */
export interface CustomersPort {
  byIdentity(tenantId: string, identity: { waId: string | null; userId: string | null }): Promise<Pick<CustomerDoc, 'marketingConsent'> | null>;
  /** Of these customers (those that exist), read by id. */
  reachability(tenantId: string, customerIds: string[]): Promise<Reachability[]>;
  setMarketingConsent(tenantId: string, customerId: string, to: ConsentState, source: 'campaign_error', evidence: Record<string, unknown>): Promise<unknown>;
  /** WhatsApp said the number is not on WhatsApp (131026). */
  markUnreachable(tenantId: string, customerId: string): Promise<void>;
  onConsentChanged(listener: (tenantId: string, change: ConsentChange) => void): void;
}

type StatusItem = Extract<WebhookItem, { kind: 'status' }>;
type MessageItem = Extract<WebhookItem, { kind: 'message' }>;
type EventItem = Extract<WebhookItem, { kind: 'event' }>;

/**
 * Webhook intake: statuses of campaign sends come to campaigns alone (by their claim id), inbound
 * messages and account events come to every listener, and statuses stored but not processed yet
 * can be applied on demand.
 */
export interface WebhooksPort {
  indexCallbacks(accepts: (callback: string) => boolean): void;
  routeStatuses(accepts: (status: StatusUpdate) => boolean, handler: (tenantId: string, item: StatusItem) => Promise<void>): void;
  onMessage(handler: (tenantId: string, item: MessageItem) => Promise<void>): void;
  onEvent(handler: (tenantId: string, item: EventItem) => Promise<void>): void;
  applyStoredStatuses(tenantId: string, callbackData: string[]): Promise<number>;
}

export interface NotificationsPort {
  notify(tenantId: string, notice: Notice): Promise<unknown>;
}

export interface AuditPort {
  recordTenant(tenantId: string, record: AuditRecord): Promise<void>;
}

/** What campaigns need to know of the tenant (its status, its bot settings' zone). */
export interface TenantsPort {
  /** The zone the tenant's business runs in (its bot settings); campaigns are scheduled in it. */
  timeZone(tenantId: string): Promise<string>;
  /** Whether the tenant may send: a suspended tenant's campaigns pause before their next message. */
  isActive(tenantId: string): Promise<boolean>;
}

/** Everything campaigns call in other domains, handed in at construction. */
export interface CampaignsPorts {
  audit: AuditPort;
  channels: ChannelsPort;
  contacts: ContactsPort;
  customers: CustomersPort;
  templates: TemplatesPort;
  media: MediaPort;
  notifications: NotificationsPort;
  webhooks: WebhooksPort;
  tenants: TenantsPort;
}

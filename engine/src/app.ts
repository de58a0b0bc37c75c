import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config/config.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/logger/logger.js';
import type { Mailer } from './platform/mail/mailer.js';
import type { RegisteredRoute } from './platform/http/route.js';
import type { SocketEventSpec } from './platform/realtime/socket-server.js';
import { startSweeper } from './platform/jobs/sweeper.js';
import { createRuntime, type Runtime } from './platform/runtime/runtime.js';
import { mountDomains, type MountedDomains } from './platform/runtime/mount.js';
import { createAuditDomain, type AuditService } from './domains/audit/index.js';
import { createTenantRegistry, createTenantsDomain, type TenantsService } from './domains/tenants/index.js';
import { createUsersDomain, type AuthService, type InvitationsService, type UsersService } from './domains/users/index.js';
import { createChannelsDomain, type ChannelsService } from './domains/channels/index.js';
import { createCustomersDomain, type CustomersService } from './domains/customers/index.js';
import { createContactsDomain, type ContactsService } from './domains/contacts/index.js';
import { createTemplatesDomain, type TemplatesService } from './domains/templates/index.js';
import { createTicketsDomain, type TicketsService } from './domains/tickets/index.js';
import { createQuotationsDomain, type QuotationsService } from './domains/quotations/index.js';
import { createReviewsDomain, type ReviewsService } from './domains/reviews/index.js';
import { createNotificationsDomain, type NotificationsService } from './domains/notifications/index.js';
import { createWebhooksDomain, type DeadLettersService, type WebhooksService } from './domains/webhooks/index.js';
import { createConversationsDomain, type ConversationsDomain } from './domains/conversations/index.js';
import { createBotDomain, type BotService } from './domains/bot/index.js';
import { createMediaDomain, type MediaService } from './domains/media/index.js';
import { createCampaignsDomain, type CampaignsDomain, type CampaignsPorts } from './domains/campaigns/index.js';

/** The composed engine: one process's HTTP API, Socket.IO server and domain services. */
export interface Engine {
  config: Config;
  logger: Logger;
  db: Database;
  server: Server;
  app: Express;
  routes: RegisteredRoute[];
  socketEvents: SocketEventSpec[];
  services: {
    auth: AuthService;
    tenants: TenantsService;
    users: UsersService;
    invitations: InvitationsService;
    audit: AuditService;
    mailer: Mailer;
    channels: ChannelsService;
    customers: CustomersService;
    contacts: ContactsService;
    webhooks: WebhooksService;
    deadLetters: DeadLettersService;
    conversations: ConversationsDomain;
    tickets: TicketsService;
    quotations: QuotationsService;
    reviews: ReviewsService;
    bot: BotService;
    notifications: NotificationsService;
    templates: TemplatesService;
    media: MediaService;
    campaigns: CampaignsDomain;
  };
  /** Runs the crash-recovery sweep once for every tenant (the periodic sweeper does it too). */
  sweep(): Promise<void>;
  /** Resolves once every tenant has the collections and indexes this version declares (see `Database.upgradeTenant`). */
  tenantsUpgraded: Promise<void>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The composition root: the platform (runtime.ts), then each domain in dependency order, each
 * built by its own factory from the platform and the ports of the domains before it; then what
 * they hand back is mounted (mount.ts), and the periodic sweeps start.
 */
export async function createEngine(config: Config): Promise<Engine> {
  const runtime = await createRuntime(config);
  const { platform, mailer } = runtime;

  const auditDomain = createAuditDomain(platform);
  const { audit } = auditDomain;
  const registry = createTenantRegistry(platform);
  const usersDomain = createUsersDomain(platform, { audit, mailer, tenants: registry, sessionSockets: runtime.sockets.sessionSockets });
  const tenantsDomain = createTenantsDomain(platform, { registry, audit, members: usersDomain.members });
  const { tenants } = tenantsDomain;
  const notificationsDomain = createNotificationsDomain(platform, { members: usersDomain.directory.members });
  const { notifications } = notificationsDomain;
  const channelsDomain = createChannelsDomain(platform, { audit });
  const { channels } = channelsDomain;
  const customersDomain = createCustomersDomain(platform);
  const { customers } = customersDomain;
  const contactsDomain = createContactsDomain(platform, { customers, notifications });
  const templatesDomain = createTemplatesDomain(platform, { channels, audit, notifications });
  const { templates } = templatesDomain;
  const mediaDomain = createMediaDomain(platform, { channels });
  const ticketsDomain = createTicketsDomain(platform);
  const quotationsDomain = createQuotationsDomain(platform);
  const reviewsDomain = createReviewsDomain(platform);
  const tenantName = async (tenantId: string) => (await tenants.find(tenantId))?.name ?? null;
  const webhooksDomain = createWebhooksDomain(platform, { channels, customers, templates, audit, tenantName });
  const { webhooks } = webhooksDomain;
  const botDomain = createBotDomain(platform, { audit });
  const { bot } = botDomain;
  const tenantActive = (tenantId: string) => tenants.isActive(tenantId);
  const conversations = createConversationsDomain(platform, {
    channels,
    customers,
    templates,
    webhooks,
    bot,
    records: {
      openTicket: (tenantId, input) => ticketsDomain.tickets.open(tenantId, input),
      openQuotation: (tenantId, input) => quotationsDomain.quotations.openDraft(tenantId, input),
      recordReview: (tenantId, input) => reviewsDomain.reviews.record(tenantId, input),
    },
    members: usersDomain.directory,
    tenantActive,
  });
  const campaigns = createCampaignsDomain(platform, {
    audit,
    channels,
    contacts: contactsDomain.contacts,
    customers,
    templates,
    media: mediaDomain.media,
    notifications,
    webhooks: campaignWebhooks(webhooks),
    tenants: { timeZone: async (tenantId) => (await bot.settings(tenantId)).timezone, isActive: tenantActive },
  });

  const domains = [auditDomain, usersDomain, tenantsDomain, notificationsDomain, channelsDomain, customersDomain, contactsDomain, templatesDomain, mediaDomain, ticketsDomain, quotationsDomain, reviewsDomain, webhooksDomain, botDomain, conversations, campaigns];
  const mounted = mountDomains(runtime, { domains, rawRouters: [webhooksDomain.rawRouter], authenticate: usersDomain.authenticate, sockets: usersDomain.socketSessions });
  const { auth, users, invitations } = usersDomain;
  const services = { auth, users, invitations, tenants, audit, mailer, channels, customers, contacts: contactsDomain.contacts, webhooks, deadLetters: webhooksDomain.deadLetters, conversations, tickets: ticketsDomain.tickets, quotations: quotationsDomain.quotations, reviews: reviewsDomain.reviews, bot, notifications, templates, media: mediaDomain.media, campaigns };
  return start(runtime, mounted, services, { tenants, campaigns });
}

/** Brings the tenant databases up to this version, starts the sweeps, and hands the engine over. */
async function start(runtime: Runtime, mounted: MountedDomains, services: Engine['services'], parts: { tenants: TenantsService; campaigns: CampaignsDomain }): Promise<Engine> {
  const { config, db, logger } = runtime.platform;
  await db.ensurePlatformIndexes();
  // Collections and indexes a new version added reach the tenants provisioned before it.
  const upgraded = (async () => {
    for (const tenant of await parts.tenants.list()) {
      const created = await db.upgradeTenant(tenant.id);
      if (created > 0) logger.info({ tenantId: tenant.id, created }, 'created the collections and indexes this version added');
    }
  })().catch((error: unknown) => logger.error({ err: error }, 'upgrading tenant databases failed; the next start tries again'));

  const activeTenants = async () => (await parts.tenants.list()).filter((tenant) => tenant.status === 'active').map((tenant) => tenant.id);
  const sweepAll = async () => {
    for (const tenantId of await activeTenants()) await mounted.sweepTenant(tenantId);
  };
  const sweeper = startSweeper(sweepAll, config.sweepEveryMs, logger);
  // Running campaigns whose dispatch job a crash left locked or unsaved are re-armed, in tests too.
  const rearm = startSweeper(async () => parts.campaigns.rearm(await activeTenants()), config.campaigns.rearmEveryMs, logger, 'campaign re-arm');
  await parts.campaigns.rearm(await activeTenants());

  return {
    config,
    logger,
    db,
    server: runtime.server,
    app: runtime.app,
    routes: mounted.routes,
    socketEvents: runtime.sockets.events,
    services,
    sweep: sweepAll,
    tenantsUpgraded: upgraded,
    listen: () =>
      new Promise((resolve) => {
        runtime.server.listen(config.port, config.host, () => {
          const { port } = runtime.server.address() as AddressInfo;
          resolve(`http://127.0.0.1:${port}`);
        });
      }),
    close: async () => {
      sweeper.stop();
      rearm.stop();
      await mounted.close();
      await upgraded;
      await runtime.close();
    },
  };
}

/** The webhook intake as campaigns subscribe to it: statuses of their sends, replies, account events. */
function campaignWebhooks(webhooks: WebhooksService): CampaignsPorts['webhooks'] {
  return {
    indexCallbacks: (accepts) => webhooks.indexCallbacks(accepts),
    routeStatuses: (accepts, handler) => webhooks.route('status', (item) => accepts(item.status), handler),
    onMessage: (handler) => webhooks.on('message', handler),
    onEvent: (handler) => webhooks.on('event', handler),
    applyStoredStatuses: (tenantId, callbackData) => webhooks.applyStoredStatuses(tenantId, callbackData),
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Config } from './config/config.js';
import { Database } from './platform/db/database.js';
import { catchUnawaitedPublishes, createRedis, pingRedis } from './platform/redis/redis.js';
import { createLogger, type Logger } from './platform/logger/logger.js';
import { Mailer } from './platform/mail/mailer.js';
import { createHttpApp } from './platform/http/http-app.js';
import { probesRouter } from './platform/http/probes.js';
import { defineRoutes, type RegisteredRoute } from './platform/http/route.js';
import { createSocketServer, type SocketEventSpec } from './platform/realtime/socket-server.js';
import { readSessionToken } from './platform/auth/session-cookie.js';
import { OriginPolicy } from './platform/http/origin-guard.js';
import type { Platform } from './platform/domain.js';
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
import { GraphClient } from './platform/whatsapp/graph-client.js';
import { GraphUrlPolicy } from './platform/whatsapp/graph-url.js';
import { startSweeper } from './platform/jobs/sweeper.js';
import { EventLoopWatchdog } from './platform/runtime/event-loop-watchdog.js';
import { metricsRoutes } from './platform/runtime/metrics.routes.js';
import { Jobs } from './platform/jobs/agenda.js';
import { findByIds } from './platform/db/by-id.js';
import { createCampaignsDomain, type CampaignsDomain } from './domains/campaigns/index.js';

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

export async function createEngine(config: Config): Promise<Engine> {
  const logger = createLogger(config.logLevel);
  const watchdog = new EventLoopWatchdog(logger, config.eventLoopStallMs);
  watchdog.start();
  const db = await Database.connect(config.mongodbUri, config.dbPrefix, config.mongodbPoolSize);
  db.watchConnection(logger);
  const redis = createRedis(config.redisUrl, 'main', { logger, keyPrefix: config.dbPrefix });
  const pub = createRedis(config.redisUrl, 'socket-pub', { logger });
  catchUnawaitedPublishes(pub, logger);
  const sub = createRedis(config.redisUrl, 'socket-sub', { logger });
  const server = createServer();
  // Attached before Socket.IO so that it wraps this listener and keeps /socket.io to itself.
  let handleRequest: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  server.on('request', (req, res) => handleRequest(req, res));

  // The cookie may outlast the idle expiry: the server ends an idle session, the browser need not.
  const cookie = { secure: config.cookieSecure, maxAgeSeconds: config.sessionAbsoluteTtlSeconds };
  const origins = new OriginPolicy(config.allowedOrigins, new URL(config.publicUrl).protocol === 'https:' ? 'https:' : 'http:');
  const mailer = new Mailer(db, logger, config.smtp, { key: config.encryptionKey, logBodies: config.env !== 'production' });

  let authenticate: (token: string) => Promise<Awaited<ReturnType<AuthService['resolve']>>> = async () => null;
  const realtime = createSocketServer(server, {
    pub,
    sub,
    logger,
    authenticate: async (header) => {
      const token = readSessionToken(header, cookie);
      return token ? authenticate(token) : null;
    },
    sessionsAlive: (ids) => sessions.alive(ids),
    sweepEveryMs: config.socketSessionSweepMs,
    origins,
  });
  const graph = new GraphClient(new GraphUrlPolicy(config.graphAllowedOrigins));
  const jobs = new Jobs(db, logger, config.jobsPollMs);
  const platform: Platform = { config, logger, db, redis, realtime: realtime.emitter, graph, jobs };

  const auditDomain = createAuditDomain(platform);
  const { audit } = auditDomain;
  const tenantRegistry = createTenantRegistry(platform);
  const usersDomain = createUsersDomain(platform, { audit, mailer, tenants: tenantRegistry, sessionSockets: realtime.sessionSockets });
  const { auth, users, invitations, sessions } = usersDomain;
  authenticate = (token) => auth.resolve(token);
  const tenantsDomain = createTenantsDomain(platform, { registry: tenantRegistry, audit, members: usersDomain.members });
  const { tenants } = tenantsDomain;

  const notificationsDomain = createNotificationsDomain(platform, {
    members: async (tenantId) => (await users.list(tenantId)).filter((u) => u.status === 'active').map((u) => ({ id: u.id, roles: u.roles })),
  });
  const { notifications } = notificationsDomain;
  const channelsDomain = createChannelsDomain(platform, { audit });
  const { channels } = channelsDomain;
  const { customers } = createCustomersDomain(platform);
  const contactsDomain = createContactsDomain(platform, { customers, notifications });
  const { contacts } = contactsDomain;
  const templatesDomain = createTemplatesDomain(platform, { channels, audit, notifications });
  const { templates } = templatesDomain;
  const mediaDomain = createMediaDomain(platform, { channels });
  const { media } = mediaDomain;
  const { tickets } = createTicketsDomain(platform);
  const { quotations } = createQuotationsDomain(platform);
  const { reviews } = createReviewsDomain(platform);
  const webhooksDomain = createWebhooksDomain(platform, {
    channels,
    customers,
    templates,
    audit,
    tenantName: async (tenantId) => (await tenants.find(tenantId))?.name ?? null,
  });
  const { webhooks, deadLetters } = webhooksDomain;
  const botDomain = createBotDomain(platform, { audit });
  const { bot } = botDomain;
  const conversations = createConversationsDomain(platform, {
    channels,
    customers,
    templates,
    webhooks,
    bot,
    records: {
      openTicket: (tenantId, input) => tickets.open(tenantId, input),
      openQuotation: (tenantId, input) => quotations.openDraft(tenantId, input),
      recordReview: (tenantId, input) => reviews.record(tenantId, input),
    },
    members: {
      members: async (tenantId) => (await users.list(tenantId)).filter((u) => u.status === 'active').map((u) => ({ id: u.id, name: u.name, roles: u.roles })),
      nameOf: (tenantId, userId) => users.view(tenantId, userId).then((u) => u.name, () => null),
    },
    tenantActive: (tenantId) => tenants.isActive(tenantId),
  });
  const campaigns = createCampaignsDomain(platform, {
    audit,
    channels,
    contacts,
    customers: {
      byIdentity: (tenantId, identity) => customers.byIdentity(tenantId, identity),
      // Read here until the customers domain answers these two itself (by id, as findByIds reads).
      reachability: (tenantId, ids) => findByIds(db, customers.customers(tenantId), ids, { marketingConsent: 1, unreachable: 1 }),
      markUnreachable: async (tenantId, customerId) => {
        await customers.customers(tenantId).updateOne({ _id: customerId }, { $set: { unreachable: true } });
      },
      setMarketingConsent: (tenantId, customerId, to, source, evidence) => customers.setMarketingConsent(tenantId, customerId, to, source, evidence),
      onConsentChanged: (listener) => customers.onConsentChanged(listener),
    },
    templates,
    media,
    notifications,
    webhooks: {
      indexCallbacks: (accepts) => webhooks.indexCallbacks(accepts),
      routeStatuses: (accepts, handler) => webhooks.route('status', (item) => accepts(item.status), handler),
      onMessage: (handler) => webhooks.on('message', handler),
      onEvent: (handler) => webhooks.on('event', handler),
      applyStoredStatuses: (tenantId, callbackData) => webhooks.applyStoredStatuses(tenantId, callbackData),
    },
    tenants: {
      timeZone: async (tenantId) => (await bot.settings(tenantId)).timezone,
      isActive: (tenantId) => tenants.isActive(tenantId),
    },
  });
  for (const spec of conversations.socketEvents) realtime.on(spec);
  realtime.onConnection((socket) => conversations.onConnection(socket));

  const routes: RegisteredRoute[] = [];
  const apiRouter = express.Router();
  defineRoutes(apiRouter, routes, [
    ...(usersDomain.routes ?? []),
    ...(tenantsDomain.routes ?? []),
    ...(auditDomain.routes ?? []),
    ...webhooksDomain.routes,
    ...(channelsDomain.routes ?? []),
    ...(botDomain.routes ?? []),
    ...(notificationsDomain.routes ?? []),
    ...contactsDomain.routes,
    ...conversations.routes,
    ...(templatesDomain.routes ?? []),
    ...mediaDomain.routes,
    ...campaigns.routes,
    ...metricsRoutes(watchdog),
  ]);

  const app = createHttpApp({
    logger,
    trustProxy: config.trustProxy,
    secureCookies: config.cookieSecure,
    origins,
    authenticate,
    apiRouter,
    rawRouters: [webhooksDomain.rawRouter],
    probes: probesRouter([
      { name: 'database', check: () => db.ping() },
      { name: 'redis', check: () => pingRedis(redis) },
    ]),
    spas: [
      { mount: '/admin', dir: config.adminDist },
      { mount: '/', dir: config.webDist },
    ],
  });
  handleRequest = app;
  await db.ensurePlatformIndexes();
  // Collections and indexes a new version added reach the tenants provisioned before it.
  const upgraded = (async () => {
    for (const tenant of await tenants.list()) {
      const created = await db.upgradeTenant(tenant.id);
      if (created > 0) logger.info({ tenantId: tenant.id, created }, 'created the collections and indexes this version added');
    }
  })().catch((error: unknown) => logger.error({ err: error }, 'upgrading tenant databases failed; the next start tries again'));

  const activeTenants = async () => (await tenants.list()).filter((tenant) => tenant.status === 'active').map((tenant) => tenant.id);
  const sweepAll = async () => {
    const active = await activeTenants();
    for (const tenantId of active) {
      await webhooksDomain.sweepTenant(tenantId);
      await conversations.sweepTenant(tenantId);
      await contactsDomain.sweepTenant(tenantId);
      await mediaDomain.sweepTenant(tenantId);
    }
    await campaigns.sweep(active);
  };
  const sweeper = startSweeper(sweepAll, config.sweepEveryMs, logger);
  // Running campaigns whose dispatch job a crash left locked or unsaved are re-armed, in tests too.
  const rearm = startSweeper(async () => campaigns.rearm(await activeTenants()), config.campaigns.rearmEveryMs, logger, 'campaign re-arm');
  await campaigns.rearm(await activeTenants());

  return {
    config,
    logger,
    db,
    server,
    app,
    routes,
    socketEvents: realtime.events,
    services: { auth, tenants, users, invitations, audit, mailer, channels, customers, contacts, webhooks, deadLetters, conversations, tickets, quotations, reviews, bot, notifications, templates, media, campaigns },
    sweep: sweepAll,
    tenantsUpgraded: upgraded,
    listen: () =>
      new Promise((resolve) => {
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve(`http://127.0.0.1:${port}`);
        });
      }),
    close: async () => {
      sweeper.stop();
      watchdog.stop();
      rearm.stop();
      await campaigns.close();
      await jobs.stop();
      await webhooksDomain.close();
      await contactsDomain.close();
      await upgraded;
      await realtime.io.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bot.close();
      await graph.close();
      await Promise.all([redis.quit(), pub.quit(), sub.quit()]).catch(() => undefined);
      await db.close();
    },
  };
}

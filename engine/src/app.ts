import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Config } from './config/config.js';
import { Database } from './platform/db/database.js';
import { catchUnawaitedPublishes, createRedis, pingRedis } from './platform/redis/redis.js';
import { createLogger, type Logger } from './platform/logger/logger.js';
import { SessionStore } from './platform/auth/sessions.js';
import { LoginLimiter } from './platform/auth/login-limiter.js';
import { PasswordHasher } from './platform/crypto/password-hasher.js';
import { PRODUCTION_COST, TEST_COST } from './platform/crypto/passwords.js';
import { Mailer } from './platform/mail/mailer.js';
import { createHttpApp } from './platform/http/http-app.js';
import { probesRouter } from './platform/http/probes.js';
import { defineRoutes, type RegisteredRoute } from './platform/http/route.js';
import { createSocketServer, type SocketEventSpec } from './platform/realtime/socket-server.js';
import { readSessionToken } from './platform/auth/session-cookie.js';
import { OriginPolicy } from './platform/http/origin-guard.js';
import { AuditService, auditRoutes } from './domains/audit/index.js';
import { TenantsService, tenantsRoutes, type TenantMembers } from './domains/tenants/index.js';
import { AuthService, Credentials, InvitationsService, UsersService, authRoutes, usersRoutes } from './domains/users/index.js';
import { ChannelsService, channelsRoutes } from './domains/channels/index.js';
import { CustomersService } from './domains/customers/index.js';
import { ContactsService, contactsRoutes } from './domains/contacts/index.js';
import { TemplatesService, templatesRoutes } from './domains/templates/index.js';
import { TicketsService } from './domains/tickets/index.js';
import { QuotationsService } from './domains/quotations/index.js';
import { ReviewsService } from './domains/reviews/index.js';
import { NotificationsService, notificationsRoutes } from './domains/notifications/index.js';
import { DeadLettersService, WebhooksService, accountEventHandler, deadLettersRoutes, webhooksRouter } from './domains/webhooks/index.js';
import { createConversationsDomain } from './domains/conversations/index.js';
import { BotService, botRoutes } from './domains/bot/index.js';
import { MediaService, mediaRoutes } from './domains/media/index.js';
import { GraphClient } from './platform/whatsapp/graph-client.js';
import { GraphUrlPolicy } from './platform/whatsapp/graph-url.js';
import { startSweeper } from './platform/jobs/sweeper.js';
import { EventLoopWatchdog } from './platform/runtime/event-loop-watchdog.js';
import { metricsRoutes } from './platform/runtime/metrics.routes.js';
import { Jobs } from './platform/jobs/agenda.js';
import { TokenBuckets } from './platform/redis/token-bucket.js';
import { createCampaignsDomain, loadRateCard, type CampaignsDomain } from './domains/campaigns/index.js';

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
    conversations: ReturnType<typeof createConversationsDomain>;
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
  const passwordCost = config.env === 'test' ? TEST_COST : PRODUCTION_COST;
  const audit = new AuditService(db);
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
  const sessions = new SessionStore(redis, { idleSeconds: config.sessionTtlSeconds, absoluteSeconds: config.sessionAbsoluteTtlSeconds }, realtime.sessionSockets);

  const members: TenantMembers = {
    inviteFirstAdmin: (tenantId, email, actor) => invitations.create(tenantId, email, ['tenant_admin'], actor),
    countMembers: (tenantIds) => users.countByTenant(tenantIds),
  };
  const tenants = new TenantsService(db, audit, realtime.emitter, members);
  const users = new UsersService(db, audit, realtime.emitter, sessions);
  const limiter = new LoginLimiter(redis, config.loginLimits);
  const hasher = new PasswordHasher(passwordCost, config.passwordHashing);
  const credentials = new Credentials(db, limiter, hasher, audit);
  const invitations = new InvitationsService(db, tenants, audit, mailer, realtime.emitter, { credentials, hasher }, {
    ttlMs: config.invitationTtlMs,
    publicUrl: config.publicUrl,
  });
  const auth = new AuthService(db, sessions, { credentials, limiter, hasher, logger }, tenants, audit, mailer, {
    resetTtlMs: config.resetTtlMs,
    publicUrl: config.publicUrl,
  });
  authenticate = (token) => auth.resolve(token);

  const notifications = new NotificationsService(
    db,
    async (tenantId) => (await users.list(tenantId)).filter((u) => u.status === 'active').map((u) => ({ id: u.id, roles: u.roles })),
    realtime.emitter,
  );
  const graphUrls = new GraphUrlPolicy(config.graphAllowedOrigins);
  const graph = new GraphClient(graphUrls);
  const channels = new ChannelsService(db, config.encryptionKey, audit, graphUrls);
  const customers = new CustomersService(db);
  const contacts = new ContactsService({ db, customers, realtime: realtime.emitter, notifications, logger, importStallMs: config.contactImportStallMs, importLimits: config.contactImportLimits });
  const templates = new TemplatesService(db, channels, graph, audit, notifications, realtime.emitter);
  const media = new MediaService(db, channels, graph);
  const tickets = new TicketsService(db);
  const quotations = new QuotationsService(db);
  const reviews = new ReviewsService(db);
  const webhooks = new WebhooksService(db, channels, logger, {
    retentionMs: config.webhookRetentionMs,
    itemTimeoutMs: config.webhookItemTimeoutMs,
    abortMarker: config.testWebhookAbortMarker,
  });
  const deadLetters = new DeadLettersService({
    quarantine: webhooks.quarantine,
    audit,
    tenantName: async (tenantId) => (await tenants.find(tenantId))?.name ?? null,
    process: (tenantId, items) => webhooks.processLater(new Map([[tenantId, items]])),
  });
  const bot = new BotService(db, config, audit, realtime.emitter, logger);
  const conversations = createConversationsDomain({
    db,
    redis,
    logger,
    realtime: realtime.emitter,
    graph,
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
  webhooks.on('event', accountEventHandler({ customers, channels, templates, logger }));
  const jobs = new Jobs(db, logger, config.jobsPollMs);
  const campaigns = createCampaignsDomain({
    db,
    redis,
    logger,
    realtime: realtime.emitter,
    graph,
    jobs,
    buckets: new TokenBuckets(redis),
    audit,
    channels,
    contacts,
    customers,
    templates,
    media,
    notifications,
    webhooks,
    settings: config.campaigns,
    rateCard: loadRateCard(config.campaigns.rateCardJson),
    tenantTimeZone: async (tenantId) => (await bot.settings(tenantId)).timezone,
    tenantActive: (tenantId) => tenants.isActive(tenantId),
  });
  for (const spec of conversations.socketEvents) realtime.on(spec);
  realtime.onConnection(conversations.trackDisconnects(realtime.io, conversations.assignment, logger));

  const routes: RegisteredRoute[] = [];
  const apiRouter = express.Router();
  defineRoutes(apiRouter, routes, [
    ...authRoutes(auth, invitations, cookie),
    ...usersRoutes(users, invitations),
    ...tenantsRoutes(tenants),
    ...auditRoutes(audit),
    ...deadLettersRoutes(deadLetters),
    ...channelsRoutes(channels),
    ...botRoutes(bot),
    ...notificationsRoutes(notifications),
    ...contactsRoutes(contacts),
    ...conversations.routes,
    ...templatesRoutes(templates),
    ...mediaRoutes(media),
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
    rawRouters: [webhooksRouter(webhooks)],
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
      await webhooks.sweep(tenantId, config.webhookRetryAfterMs);
      await webhooks.prune(tenantId, config.webhookRetentionMs);
      await conversations.sweep(tenantId);
      await contacts.imports.failStalled(tenantId);
      await media.sweep(tenantId, 3600_000);
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
      campaigns.close();
      await jobs.stop();
      await webhooks.idle();
      await contacts.imports.idle();
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

import { ActorHost } from '../../platform/actors/actor-host.js';
import type { DomainMount, Platform } from '../../platform/domain.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { ParleySocket, SocketEventSpec } from '../../platform/realtime/socket-server.js';
import { AssignmentService } from './assignment.service.js';
import { ConversationAudience } from './conversation.audience.js';
import { conversationMachine, CONVERSATION_MACHINE_VERSION } from './conversation.machine.js';
import { registerConversationEffects } from './conversation.effects.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { InboundService } from './inbound.service.js';
import { InboxService } from './inbox.service.js';
import { inboxRoutes } from './inbox.routes.js';
import { inboxSocketEvents, trackDisconnects } from './inbox.socket.js';
import { MessagesRepository } from './messages.repository.js';
import { MonitoringService } from './monitoring.service.js';
import { OutboundService } from './outbound.service.js';
import type { ConversationsPorts } from './ports.js';
import { StatusesService } from './statuses.service.js';

export type { BotPort, CaseRecordsPort, ChannelsPort, ConversationsPorts, CustomersPort, MemberDirectory, BotDecisionLike, TemplatesPort, TenantActive, WebhookItemsPort } from './ports.js';
export { ConversationsService } from './conversations.service.js';
export { StatusesService } from './statuses.service.js';

export interface ConversationsDomain extends DomainMount {
  conversations: ConversationsService;
  inbound: InboundService;
  outbound: OutboundService;
  statuses: StatusesService;
  assignment: AssignmentService;
  inbox: InboxService;
  monitoring: MonitoringService;
  routes: RouteSpec[];
  socketEvents: SocketEventSpec[];
  /** Run for every authenticated socket: an agent whose last connection closes goes offline. */
  onConnection(socket: ParleySocket): void;
  /** Finishes what a crash left (effects of committed transitions, ambiguous sends, waiting queues) and closes unanswered review requests. */
  sweepTenant(tenantId: string): Promise<void>;
}

/**
 * Builds the conversation domain, lower layers first (storage, who sees what, sends, transitions,
 * assignment, intake), so that each part is handed everything it calls, and plugs it into webhook
 * intake.
 */
export function createConversationsDomain(platform: Platform, ports: ConversationsPorts): ConversationsDomain {
  const { db, logger, realtime } = platform;
  const repository = new ConversationsRepository(db);
  const messages = new MessagesRepository(db);
  const audience = new ConversationAudience(repository, realtime);
  const host = new ActorHost(db, { kind: 'conversation', machine: conversationMachine, version: CONVERSATION_MACHINE_VERSION, input: (conversationId) => ({ conversationId }) }, logger);
  const conversations = new ConversationsService(repository, messages, host, ports.customers, ports.members, audience);
  const outbound = new OutboundService(messages, platform.graph, audience, logger, (tenantId, code) => {
    logger.warn({ tenantId, code }, 'WhatsApp refused a template; resyncing templates');
    ports.templates.sync(tenantId).catch((error: unknown) => logger.error({ err: error, tenantId }, 'template resync failed'));
  });
  const statuses = new StatusesService(messages, audience, logger);
  const assignment = new AssignmentService(repository, platform.redis, conversations, ports.members, realtime, logger);
  const inbound = new InboundService({ repository, messages, conversations, audience, assignment, customers: ports.customers, bot: ports.bot });
  const inbox = new InboxService(conversations, outbound, ports.customers, ports.channels, ports.templates, assignment, platform.graph);
  const monitoring = new MonitoringService(repository, messages, assignment);
  const { customers, channels, bot, records, tenantActive } = ports;
  registerConversationEffects({ conversations, outbound, customers, channels, bot, records, assignment, logger, tenantActive });

  ports.webhooks.on('message', (tenantId, item) => inbound.handle(tenantId, item));
  ports.webhooks.on('status', (tenantId, item) => statuses.apply(tenantId, item.status));

  return {
    conversations,
    inbound,
    outbound,
    statuses,
    assignment,
    inbox,
    monitoring,
    routes: inboxRoutes({ conversations, inbox, assignment, monitoring }),
    socketEvents: inboxSocketEvents(assignment),
    onConnection: trackDisconnects(realtime, assignment, logger),
    async sweepTenant(tenantId) {
      await host.sweep(tenantId, 30_000);
      await outbound.sweepAmbiguous(tenantId, 10 * 60_000);
      await assignment.drain(tenantId);
      await conversations.closeUnansweredReviews(tenantId, platform.config.reviewTimeoutMs);
    },
  };
}

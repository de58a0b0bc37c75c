import type { Redis } from 'ioredis';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import { ActorHost } from '../../platform/actors/actor-host.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { ChannelsService } from '../channels/index.js';
import type { CustomersService } from '../customers/index.js';
import type { TemplatesService } from '../templates/index.js';
import type { WebhooksService } from '../webhooks/index.js';
import { AssignmentService } from './assignment.service.js';
import { conversationMachine, CONVERSATION_MACHINE_VERSION } from './conversation.machine.js';
import { registerConversationEffects } from './conversation.effects.js';
import { ConversationsService } from './conversations.service.js';
import { InboxService } from './inbox.service.js';
import { inboxRoutes } from './inbox.routes.js';
import { inboxSocketEvents, trackDisconnects } from './inbox.socket.js';
import { MonitoringService } from './monitoring.service.js';
import { OutboundService } from './outbound.service.js';
import { StatusesService } from './statuses.service.js';
import type { BotPort, CaseRecordsPort, MemberDirectory, TenantActive } from './ports.js';

export type { BotPort, CaseRecordsPort, MemberDirectory, BotDecisionLike } from './ports.js';
export { ConversationsService } from './conversations.service.js';
export { StatusesService } from './statuses.service.js';

export interface ConversationsDeps {
  db: Database;
  redis: Redis;
  logger: Logger;
  realtime: RealtimeEmitter;
  graph: GraphClient;
  channels: ChannelsService;
  customers: CustomersService;
  templates: TemplatesService;
  webhooks: WebhooksService;
  bot: BotPort;
  records: CaseRecordsPort;
  members: MemberDirectory;
  tenantActive: TenantActive;
}

/** Builds the conversation domain and plugs it into webhook intake. */
export function createConversationsDomain(deps: ConversationsDeps) {
  const host = new ActorHost(deps.db, { kind: 'conversation', machine: conversationMachine, version: CONVERSATION_MACHINE_VERSION, input: (conversationId) => ({ conversationId }) }, deps.logger);
  const conversations = new ConversationsService(deps.db, host, deps.customers, deps.bot, deps.members, deps.realtime);
  const outbound = new OutboundService(deps.db, deps.graph, deps.logger, (tenantId, message, created) => {
    const sent = created
      ? conversations.emit(tenantId, message.conversationId, 'message:created', message)
      : conversations.emit(tenantId, message.conversationId, 'message:status-changed', { conversationId: message.conversationId, messageId: message.id, status: message.status ?? 'pending', error: message.error });
    sent.catch((error: unknown) => deps.logger.warn({ err: error }, 'message event not sent'));
  });
  outbound.onTemplateRejected = (tenantId, code) => {
    deps.logger.warn({ tenantId, code }, 'WhatsApp refused a template; resyncing templates');
    deps.templates.sync(tenantId).catch((error: unknown) => deps.logger.error({ err: error, tenantId }, 'template resync failed'));
  };
  const statuses = new StatusesService(outbound, (tenantId, conversationId, event, change) => conversations.emit(tenantId, conversationId, event, change), deps.logger);
  const assignment = new AssignmentService(deps.db, deps.redis, conversations, deps.members, deps.realtime, deps.logger);
  conversations.onQueued = (tenantId) => assignment.later(tenantId);
  const inbox = new InboxService(conversations, outbound, deps.customers, deps.channels, deps.templates, assignment, deps.graph);
  const monitoring = new MonitoringService(conversations, assignment);
  registerConversationEffects({ conversations, outbound, customers: deps.customers, channels: deps.channels, bot: deps.bot, records: deps.records, assignment, logger: deps.logger, tenantActive: deps.tenantActive });

  deps.webhooks.on('message', (tenantId, item) => conversations.handleInbound(tenantId, item));
  deps.webhooks.on('status', (tenantId, item) => statuses.apply(tenantId, item.status));

  return {
    conversations,
    outbound,
    statuses,
    assignment,
    inbox,
    monitoring,
    routes: inboxRoutes({ conversations, inbox, assignment, monitoring, templates: deps.templates }),
    socketEvents: inboxSocketEvents(inbox, assignment),
    trackDisconnects,
    /** Finishes what a crash left: effects of committed transitions, ambiguous sends, waiting queues. */
    async sweep(tenantId: string): Promise<void> {
      await host.sweep(tenantId, 30_000);
      await outbound.sweepAmbiguous(tenantId, 10 * 60_000);
      await assignment.drain(tenantId);
    },
  };
}

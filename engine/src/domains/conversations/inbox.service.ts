import { randomUUID } from 'node:crypto';
import { queuesForRoles, type ConversationView, type MessageView, type Queue, type SendTemplateBody } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { AuthContext } from '../../platform/http/context.js';
import type { GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { AssignmentService } from './assignment.service.js';
import type { ConversationsService } from './conversations.service.js';
import type { ConversationDoc } from './conversations.model.js';
import { windowExpiresAt, windowOpen } from './conversation.views.js';
import type { OutboundService } from './outbound.service.js';
import type { ChannelsPort, CustomersPort, TemplatesPort } from './ports.js';

/** What agents do in the live inbox. Every method checks the agent may see the conversation. */
export class InboxService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly outbound: OutboundService,
    private readonly customers: CustomersPort,
    private readonly channels: ChannelsPort,
    private readonly templates: TemplatesPort,
    private readonly assignment: AssignmentService,
    private readonly graph: GraphClient,
  ) {}

  /** Agents see their queues' conversations and their own; managers and admins see all. */
  visibleQueues(auth: AuthContext): Queue[] | 'all' {
    const roles = auth.tenant?.roles ?? [];
    return roles.includes('tenant_admin') || roles.includes('manager') ? 'all' : queuesForRoles(roles);
  }

  async visible(tenantId: string, auth: AuthContext, conversationId: string): Promise<ConversationDoc> {
    const doc = await this.conversations.find(tenantId, conversationId);
    const queues = this.visibleQueues(auth);
    const mine = doc.assigneeId === auth.user.id;
    // A conversation still with the bot has no queue yet: every inbox role may watch it.
    if (queues === 'all' || mine || doc.queue === null || queues.includes(doc.queue)) return doc;
    throw AppError.notFound('Conversation');
  }

  async sendText(tenantId: string, auth: AuthContext, conversationId: string, text: string): Promise<MessageView> {
    const doc = await this.visible(tenantId, auth, conversationId);
    if (!windowOpen(doc)) {
      throw new AppError('WINDOW_CLOSED', 'More than 24 hours passed since the customer last wrote: only an approved template can be sent now.', {
        windowExpiresAt: windowExpiresAt(doc),
      });
    }
    return this.send(tenantId, auth, doc, 'text', { body: text, preview_url: true }, text);
  }

  async sendTemplate(tenantId: string, auth: AuthContext, conversationId: string, request: SendTemplateBody): Promise<MessageView> {
    const doc = await this.visible(tenantId, auth, conversationId);
    const { body, text, category } = await this.templates.buildSend(tenantId, request);
    // Marketing needs the customer's own agreement, whoever sends it: a campaign checks it per recipient, the inbox here.
    if (category === 'MARKETING' && (await this.customers.get(tenantId, doc.customerId))?.marketingConsent !== 'granted') {
      throw new AppError('NO_MARKETING_CONSENT', 'This customer has not agreed to marketing messages (or opted out), so a marketing template cannot be sent to them. Send a utility template or a reply instead.');
    }
    return this.send(tenantId, auth, doc, 'template', body, text);
  }

  async assign(tenantId: string, auth: AuthContext, conversationId: string, agentId: string): Promise<ConversationView> {
    const doc = await this.visible(tenantId, auth, conversationId);
    const agents = await this.assignment.agents(tenantId);
    const agent = agents.find((a) => a.id === agentId);
    if (!agent) throw new AppError('VALIDATION_FAILED', 'This person cannot take conversations', { fields: [{ field: 'body.agentId', message: 'is not an agent of this tenant' }] });
    const managing = this.visibleQueues(auth) === 'all';
    if (!managing && agentId !== auth.user.id) throw AppError.forbidden('Only managers assign conversations to someone else');
    return this.conversations.apply(tenantId, String(doc._id), { type: 'ASSIGN', agentId }, `assign:${randomUUID()}`);
  }

  async transfer(tenantId: string, auth: AuthContext, conversationId: string, target: { queue?: Queue; agentId?: string }): Promise<ConversationView> {
    const doc = await this.visible(tenantId, auth, conversationId);
    if (target.agentId && !(await this.assignment.agents(tenantId)).some((a) => a.id === target.agentId)) {
      throw new AppError('VALIDATION_FAILED', 'This person cannot take conversations', { fields: [{ field: 'body.agentId', message: 'is not an agent of this tenant' }] });
    }
    const view = await this.conversations.apply(tenantId, String(doc._id), { type: 'TRANSFER', ...target }, `transfer:${randomUUID()}`);
    this.assignment.later(tenantId);
    return view;
  }

  async resolve(tenantId: string, auth: AuthContext, conversationId: string): Promise<ConversationView> {
    const doc = await this.visible(tenantId, auth, conversationId);
    if (['resolved', 'awaitingReview', 'closed'].includes(doc.state)) throw new AppError('CONFLICT', 'This conversation is already resolved');
    const view = await this.conversations.apply(tenantId, String(doc._id), { type: 'RESOLVE', by: auth.user.id }, `resolve:${randomUUID()}`);
    // A freed seat may take the next waiting conversation.
    this.assignment.later(tenantId);
    return view;
  }

  /** Blue ticks on the customer's last message, and the typing indicator while the agent writes. */
  async markRead(tenantId: string, auth: AuthContext, conversationId: string, typing: boolean): Promise<void> {
    const doc = await this.visible(tenantId, auth, conversationId);
    await this.conversations.markRead(tenantId, String(doc._id));
    const channel = await this.channels.ofTenant(tenantId, doc.phoneNumberId);
    if (channel && doc.lastInboundWamid && windowOpen(doc)) await this.graph.markRead(channel, doc.lastInboundWamid, typing);
  }

  private async send(tenantId: string, auth: AuthContext, doc: ConversationDoc, type: 'text' | 'template', body: Record<string, unknown>, text: string): Promise<MessageView> {
    const customer = await this.customers.get(tenantId, doc.customerId);
    const channel = await this.channels.ofTenant(tenantId, doc.phoneNumberId);
    if (!customer || !channel) throw new AppError('CONFLICT', 'The WhatsApp number of this conversation is no longer connected');
    const key = `agent:${randomUUID()}`;
    const message = await this.outbound.send(tenantId, {
      key,
      conversationId: String(doc._id),
      channel,
      to: { waId: customer.waId, userId: customer.userId },
      type,
      body,
      text,
      author: { kind: 'agent', id: auth.user.id, name: auth.user.name },
    });
    await this.conversations.touchLastMessage(tenantId, doc, text.slice(0, 120));
    if (doc.state === 'assigned') await this.conversations.apply(tenantId, String(doc._id), { type: 'AGENT_REPLIED', agentId: auth.user.id, at: Date.now() }, key);
    else await this.conversations.broadcast(tenantId, String(doc._id));
    return message;
  }
}

import { z } from 'zod';
import {
  agentCapacityBodySchema,
  assignBodySchema,
  conversationListQuerySchema,
  idParamsSchema,
  noteBodySchema,
  sendTemplateBodySchema,
  sendTextBodySchema,
  transferBodySchema,
} from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { tenantRoute, type RouteSpec } from '../../platform/http/route.js';
import type { AssignmentService } from './assignment.service.js';
import type { ConversationsService } from './conversations.service.js';
import type { InboxService } from './inbox.service.js';
import type { MonitoringService } from './monitoring.service.js';

const readBodySchema = z.object({ typing: z.boolean().default(false) }).strict();

export function inboxRoutes(deps: {
  conversations: ConversationsService;
  inbox: InboxService;
  assignment: AssignmentService;
  monitoring: MonitoringService;
}): RouteSpec[] {
  const { conversations, inbox, assignment, monitoring } = deps;
  return [
    tenantRoute({
      method: 'get',
      path: '/api/conversations',
      can: ['read', 'Conversation'],
      query: conversationListQuerySchema,
      handler: ({ tenantId, auth, query }) => {
        const visible = inbox.visibleQueues(auth);
        // Asking for one queue narrows what the viewer may see; it never widens it.
        const queues = query.queue ? (visible === 'all' || visible.includes(query.queue) ? [query.queue] : []) : visible;
        return conversations.list(tenantId, {
          queues,
          viewerId: auth.user.id,
          ...(query.state ? { state: query.state } : {}),
          ...(query.mine === 'true' ? { assigneeId: auth.user.id } : {}),
          limit: query.limit,
        });
      },
    }),
    tenantRoute({
      method: 'get',
      path: '/api/conversations/:id',
      can: ['read', 'Conversation'],
      params: idParamsSchema,
      handler: async ({ tenantId, auth, params }) => {
        await inbox.visible(tenantId, auth, params.id);
        return conversations.detail(tenantId, params.id);
      },
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/messages',
      can: ['send', 'Conversation'],
      params: idParamsSchema,
      body: sendTextBodySchema,
      status: 201,
      sample: { body: { text: 'hello' } },
      handler: ({ tenantId, auth, params, body }) => inbox.sendText(tenantId, auth, params.id, body.text),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/templates',
      can: ['send', 'Conversation'],
      params: idParamsSchema,
      body: sendTemplateBodySchema,
      status: 201,
      sample: { body: { name: 'hello_world', language: 'en_US', parameters: [] } },
      handler: ({ tenantId, auth, params, body }) => inbox.sendTemplate(tenantId, auth, params.id, body),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/notes',
      can: ['update', 'Conversation'],
      params: idParamsSchema,
      body: noteBodySchema,
      status: 201,
      sample: { body: { text: 'note' } },
      handler: async ({ tenantId, auth, params, body }) => {
        await inbox.visible(tenantId, auth, params.id);
        return conversations.addNote(tenantId, params.id, body.text, { id: auth.user.id, name: auth.user.name });
      },
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/assign',
      can: ['update', 'Conversation'],
      params: idParamsSchema,
      body: assignBodySchema,
      sample: { body: { agentId: '0123456789abcdef01234567' } },
      handler: ({ tenantId, auth, params, body }) => inbox.assign(tenantId, auth, params.id, body.agentId),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/transfer',
      can: ['update', 'Conversation'],
      params: idParamsSchema,
      body: transferBodySchema,
      sample: { body: { queue: 'sales' } },
      handler: ({ tenantId, auth, params, body }) => inbox.transfer(tenantId, auth, params.id, body),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/resolve',
      can: ['update', 'Conversation'],
      params: idParamsSchema,
      handler: ({ tenantId, auth, params }) => inbox.resolve(tenantId, auth, params.id),
    }),
    tenantRoute({
      method: 'post',
      path: '/api/conversations/:id/read',
      can: ['read', 'Conversation'],
      params: idParamsSchema,
      body: readBodySchema,
      status: 204,
      handler: ({ tenantId, auth, params, body }) => inbox.markRead(tenantId, auth, params.id, body.typing),
    }),
    tenantRoute({ method: 'get', path: '/api/agents', can: ['read', 'Conversation'], handler: ({ tenantId }) => assignment.agents(tenantId) }),
    tenantRoute({
      method: 'patch',
      path: '/api/agents/:id',
      can: ['update', 'User'],
      params: idParamsSchema,
      body: agentCapacityBodySchema,
      sample: { body: { capacity: 3 } },
      handler: async ({ tenantId, params, body }) => {
        const agent = await assignment.setCapacity(tenantId, params.id, body.capacity);
        if (!agent) throw AppError.notFound('Agent');
        return agent;
      },
    }),
    tenantRoute({ method: 'get', path: '/api/monitoring', can: ['read', 'Monitoring'], handler: ({ tenantId }) => monitoring.snapshot(tenantId) }),
  ];
}

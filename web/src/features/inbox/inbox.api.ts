import type { AgentView, ConversationDetail, ConversationView, MessageView, Queue, SendTemplateBody, TemplateSummary } from '@parley/common';
import { http } from '../../app/http';

/** Which slice of the inbox to list; the engine only ever answers with what the user may see. */
export interface ConversationQuery {
  queue?: Queue;
  mine?: 'true';
  limit?: number;
}

export const conversationsApi = {
  list: (query: ConversationQuery) => http.get<ConversationView[]>('/api/conversations', { ...query }),
  detail: (id: string) => http.get<ConversationDetail>(`/api/conversations/${id}`),
  sendText: (id: string, text: string) => http.post<MessageView>(`/api/conversations/${id}/messages`, { text }),
  sendTemplate: (id: string, body: SendTemplateBody) => http.post<MessageView>(`/api/conversations/${id}/templates`, body),
  addNote: (id: string, text: string) => http.post<MessageView>(`/api/conversations/${id}/notes`, { text }),
  assign: (id: string, agentId: string) => http.post<ConversationView>(`/api/conversations/${id}/assign`, { agentId }),
  transfer: (id: string, target: { queue: Queue } | { agentId: string }) => http.post<ConversationView>(`/api/conversations/${id}/transfer`, target),
  resolve: (id: string) => http.post<ConversationView>(`/api/conversations/${id}/resolve`),
  markRead: (id: string, typing = false) => http.postNoContent(`/api/conversations/${id}/read`, { typing }),
};

export const agentsApi = {
  list: () => http.get<AgentView[]>('/api/agents'),
  setCapacity: (id: string, capacity: number) => http.patch<AgentView>(`/api/agents/${id}`, { capacity }),
};

export const templatesApi = {
  list: () => http.get<TemplateSummary[]>('/api/templates'),
  sync: () => http.post<TemplateSummary[]>('/api/templates/sync'),
};

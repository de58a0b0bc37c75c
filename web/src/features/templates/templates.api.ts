import type { CreateTemplateBody, TemplateView, UpdateTemplateBody } from '@parley/common';
import { http } from '../../app/http';

export const templatesApi = {
  list: () => http.get<TemplateView[]>('/api/templates'),
  sync: () => http.post<TemplateView[]>('/api/templates/sync'),
  create: (body: CreateTemplateBody) => http.post<TemplateView>('/api/templates', body),
  update: (id: string, body: UpdateTemplateBody) => http.put<TemplateView>(`/api/templates/${id}`, body),
  submit: (id: string) => http.post<TemplateView>(`/api/templates/${id}/submit`),
  remove: (id: string) => http.delete(`/api/templates/${id}`),
};

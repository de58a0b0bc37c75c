import type { BotSettings, LookupBody, LookupKind, LookupRow } from '@parley/common';
import { http } from '../../app/http';

export const lookupsApi = {
  list: (kind: LookupKind) => http.get<LookupRow[]>(`/api/lookups/${kind}`),
  create: (kind: LookupKind, body: LookupBody) => http.post<LookupRow>(`/api/lookups/${kind}`, body),
  update: (kind: LookupKind, id: string, body: LookupBody) => http.patch<LookupRow>(`/api/lookups/${kind}/${id}`, body),
  remove: (kind: LookupKind, id: string) => http.delete(`/api/lookups/${kind}/${id}`),
};

export const botSettingsApi = {
  get: () => http.get<BotSettings>('/api/bot/settings'),
  save: (settings: BotSettings) => http.put<BotSettings>('/api/bot/settings', settings),
};

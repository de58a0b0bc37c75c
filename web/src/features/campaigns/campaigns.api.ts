import type { AudienceSelection, CampaignContext, CampaignView, ContactListView, CostEstimate, CreateCampaignBody, RatePoint, RecipientStatus, RecipientView, SegmentView, TemplateView, UpdateCampaignBody } from '@parley/common';
import { http } from '../../app/http';

export interface AudienceCount {
  total: number;
  consenting: number;
}

export interface AudienceEstimate {
  audience: AudienceCount;
  estimate: CostEstimate;
}

export interface RateCard {
  currency: string;
  rates: { country: string; marketing: number; utility: number; authentication: number }[];
  fallback: { marketing: number; utility: number; authentication: number };
}

export interface RecipientPage {
  items: RecipientView[];
  next: string | null;
}

export interface RecipientQuery {
  status?: RecipientStatus;
  limit?: number;
  after?: string;
}

export type CampaignCommand = 'launch' | 'pause' | 'resume' | 'cancel';

const base = '/api/campaigns';

export const campaignsApi = {
  list: () => http.get<CampaignView[]>(base),
  get: (id: string) => http.get<CampaignView>(`${base}/${id}`),
  create: (body: CreateCampaignBody) => http.post<CampaignView>(base, body),
  update: (id: string, body: UpdateCampaignBody) => http.patch<CampaignView>(`${base}/${id}`, body),
  remove: (id: string) => http.delete(`${base}/${id}`),
  estimate: (audience: AudienceSelection, templateId: string) => http.post<AudienceEstimate>(`${base}/estimate`, { audience, templateId }),
  rateCard: () => http.get<RateCard>(`${base}/rate-card`),
  /** The tenant's time zone and the number's throughput, which a marketer cannot read elsewhere. */
  context: () => http.get<CampaignContext>(`${base}/context`),
  testSend: (id: string, phone: string) => http.post<{ wamid: string }>(`${base}/${id}/test-send`, { phone }),
  command: (id: string, command: CampaignCommand) => http.post<CampaignView>(`${base}/${id}/${command}`),
  recipients: (id: string, query: RecipientQuery) => http.get<RecipientPage>(`${base}/${id}/recipients`, { ...query }),
  recipient: (id: string, recipientId: string) => http.get<RecipientView>(`${base}/${id}/recipients/${recipientId}`),
  rate: (id: string) => http.get<RatePoint[]>(`${base}/${id}/rate`),
  /** A plain link: the browser downloads it with the session cookie. */
  exportUrl: (id: string) => `${base}/${id}/recipients.csv`,
};

/** What the builder picks from: the contacts' lists and segments, the synced templates. */
export const builderApi = {
  audienceCount: (audience: AudienceSelection) => http.post<AudienceCount>('/api/contacts/audience-count', audience),
  lists: () => http.get<ContactListView[]>('/api/contact-lists'),
  segments: () => http.get<SegmentView[]>('/api/segments'),
  templates: () => http.get<TemplateView[]>('/api/templates'),
};

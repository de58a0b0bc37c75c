import type {
  ConsentChangeBody,
  ContactDetail,
  ContactImportView,
  ContactListView,
  ContactPage,
  ContactPatch,
  ContactSettings,
  ContactView,
  ImportReport,
  ImportRunInput,
  SegmentFilter,
  SegmentView,
} from '@parley/common';
import { http } from '../../app/http';

export interface ContactQuery {
  q?: string;
  listId?: string;
  tag?: string;
  consent?: string;
  segmentId?: string;
  page: number;
  limit: number;
}

export interface BulkChange {
  ids: string[];
  addTags?: string[];
  removeTags?: string[];
  addListIds?: string[];
  removeListIds?: string[];
}

export const contactsApi = {
  search: (query: ContactQuery) => http.get<ContactPage>('/api/contacts', { ...query }),
  get: (id: string) => http.get<ContactDetail>(`/api/contacts/${id}`),
  update: (id: string, patch: ContactPatch) => http.patch<ContactView>(`/api/contacts/${id}`, patch),
  changeConsent: (id: string, body: ConsentChangeBody) => http.post<ContactDetail>(`/api/contacts/${id}/consent`, body),
  bulk: (change: BulkChange) => http.post<{ matched: number }>('/api/contacts/bulk', change),
  tags: () => http.get<string[]>('/api/contacts/tags'),
  settings: () => http.get<ContactSettings>('/api/contacts/settings'),
  saveSettings: (settings: ContactSettings) => http.put<ContactSettings>('/api/contacts/settings', settings),
};

export const listsApi = {
  list: () => http.get<ContactListView[]>('/api/contact-lists'),
  create: (name: string) => http.post<ContactListView>('/api/contact-lists', { name }),
  rename: (id: string, name: string) => http.patch<ContactListView>(`/api/contact-lists/${id}`, { name }),
  remove: (id: string) => http.delete(`/api/contact-lists/${id}`),
};

export const segmentsApi = {
  list: () => http.get<SegmentView[]>('/api/segments'),
  preview: (filter: SegmentFilter) => http.post<SegmentView['count']>('/api/segments/preview', { filter }),
  create: (name: string, filter: SegmentFilter) => http.post<SegmentView>('/api/segments', { name, filter }),
  update: (id: string, name: string, filter: SegmentFilter) => http.put<SegmentView>(`/api/segments/${id}`, { name, filter }),
  remove: (id: string) => http.delete(`/api/segments/${id}`),
};

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** What the import page's file picker and drop zone take. */
export const IMPORT_ACCEPT = `.csv,text/csv,.xlsx,${XLSX_TYPE}`;

/** The engine goes by the file's bytes; the type is only a courtesy, from the name (browsers disagree on a .csv's type). */
function importType(file: File): string {
  return /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE ? XLSX_TYPE : 'text/csv';
}

export const importsApi = {
  list: () => http.get<ContactImportView[]>('/api/contact-imports'),
  upload: (file: File) => http.upload<ContactImportView>('/api/contact-imports', file, importType(file), { fileName: file.name }),
  run: (id: string, body: ImportRunInput) => http.post<ContactImportView>(`/api/contact-imports/${id}/run`, body),
  report: (id: string) => http.get<ImportReport>(`/api/contact-imports/${id}`, { limit: 200 }),
  /** A plain link: the browser downloads it with the session cookie. */
  rejectionsUrl: (id: string) => `/api/contact-imports/${id}/rejections.csv`,
};

import type { CreateTenantBody, CreatedTenantView, TenantView } from '@parley/common';
import { http } from '@web/app/http';

export const tenantsApi = {
  list: () => http.get<TenantView[]>('/api/admin/tenants'),
  create: (body: CreateTenantBody) => http.post<CreatedTenantView>('/api/admin/tenants', body),
  suspend: (id: string, reason: string) => http.post<TenantView>(`/api/admin/tenants/${id}/suspend`, { reason }),
  reactivate: (id: string) => http.post<TenantView>(`/api/admin/tenants/${id}/reactivate`),
};

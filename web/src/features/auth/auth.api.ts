import type { LoginBody, SessionView } from '@parley/common';
import { http } from '../../app/http';

export const authApi = {
  me: () => http.get<SessionView>('/api/auth/me'),
  login: (body: LoginBody) => http.post<SessionView>('/api/auth/login', body),
  logout: () => http.postNoContent('/api/auth/logout'),
  switchTenant: (tenantId: string) => http.post<SessionView>('/api/auth/switch-tenant', { tenantId }),
  requestPasswordReset: (email: string) => http.postNoContent('/api/auth/password-reset', { email }),
  confirmPasswordReset: (token: string, password: string) =>
    http.postNoContent('/api/auth/password-reset/confirm', { token, password }),
};

import type { LoginBody, SessionView } from '@parley/common';
import { http } from '@web/app/http';

export const authApi = {
  me: () => http.get<SessionView>('/api/auth/me'),
  login: (body: LoginBody) => http.post<SessionView>('/api/auth/login', body),
  logout: () => http.postNoContent('/api/auth/logout'),
};

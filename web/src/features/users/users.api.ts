import type {
  AcceptInvitationBody,
  CreateInvitationBody,
  CreatedInvitationView,
  InvitationPreview,
  InvitationView,
  SessionView,
  TenantRole,
  TenantUserView,
} from '@parley/common';
import { http } from '../../app/http';

// The tenant is never in these URLs: the engine takes it from the session.
export const usersApi = {
  list: () => http.get<TenantUserView[]>('/api/users'),
  changeRoles: (id: string, roles: TenantRole[]) => http.patch<TenantUserView>(`/api/users/${id}/roles`, { roles }),
  deactivate: (id: string) => http.post<TenantUserView>(`/api/users/${id}/deactivate`),
  reactivate: (id: string) => http.post<TenantUserView>(`/api/users/${id}/reactivate`),
};

export const invitationsApi = {
  list: () => http.get<InvitationView[]>('/api/invitations'),
  create: (body: CreateInvitationBody) => http.post<CreatedInvitationView>('/api/invitations', body),
  revoke: (id: string) => http.post<InvitationView>(`/api/invitations/${id}/revoke`),
  preview: (token: string) => http.get<InvitationPreview>(`/api/public/invitations/${encodeURIComponent(token)}`),
  accept: (token: string, body: AcceptInvitationBody) =>
    http.post<SessionView>(`/api/public/invitations/${encodeURIComponent(token)}/accept`, body),
};

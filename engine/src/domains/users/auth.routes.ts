import {
  acceptInvitationBodySchema,
  loginBodySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  switchTenantBodySchema,
  tokenParamsSchema,
} from '@parley/common';
import { clearSessionCookie, setSessionCookie, type CookieSettings } from '../../platform/auth/session-cookie.js';
import { clientIp } from '../../platform/http/context.js';
import { publicRoute, sessionRoute, type RouteSpec } from '../../platform/http/route.js';
import type { AuthService } from './auth.service.js';
import type { InvitationsService } from './invitations.service.js';

export function authRoutes(auth: AuthService, invitations: InvitationsService, cookie: CookieSettings): RouteSpec[] {
  return [
    publicRoute({
      method: 'post',
      path: '/api/auth/login',
      body: loginBodySchema,
      handler: async ({ req, res, body }) => {
        const { token, view } = await auth.login({ ...body, ip: clientIp(req) });
        setSessionCookie(res, token, cookie);
        return view;
      },
    }),
    sessionRoute({
      method: 'post',
      path: '/api/auth/logout',
      status: 204,
      handler: async ({ res, auth: ctx }) => {
        await auth.logout(ctx);
        clearSessionCookie(res, cookie);
      },
    }),
    sessionRoute({ method: 'get', path: '/api/auth/me', handler: ({ auth: ctx }) => auth.view(ctx) }),
    sessionRoute({
      method: 'post',
      path: '/api/auth/switch-tenant',
      body: switchTenantBodySchema,
      handler: ({ auth: ctx, body }) => auth.switchTenant(ctx, body.tenantId),
    }),
    publicRoute({
      method: 'post',
      path: '/api/auth/password-reset',
      body: passwordResetRequestSchema,
      status: 202,
      handler: async ({ req, body }) => {
        await auth.requestPasswordReset(body.email, clientIp(req));
        return { accepted: true };
      },
    }),
    publicRoute({
      method: 'post',
      path: '/api/auth/password-reset/confirm',
      body: passwordResetConfirmSchema,
      status: 204,
      handler: ({ body }) => auth.confirmPasswordReset(body.token, body.password),
    }),
    publicRoute({
      method: 'get',
      path: '/api/public/invitations/:token',
      params: tokenParamsSchema,
      handler: ({ params }) => invitations.preview(params.token),
    }),
    publicRoute({
      method: 'post',
      path: '/api/public/invitations/:token/accept',
      params: tokenParamsSchema,
      body: acceptInvitationBodySchema,
      handler: async ({ req, res, params, body }) => {
        const { userId, tenantId } = await invitations.accept(params.token, body, clientIp(req));
        const { token, view } = await auth.openSession(userId, tenantId, clientIp(req));
        setSessionCookie(res, token, cookie);
        return view;
      },
    }),
  ];
}

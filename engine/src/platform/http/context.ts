import type { Request } from 'express';
import type { AppAbility, PlatformRole, TenantRole } from '@parley/common';
import type { SessionData } from '../auth/sessions.js';

/** Who is calling, resolved once per request from the session cookie. */
export interface AuthContext {
  sessionId: string;
  session: SessionData;
  user: { id: string; email: string; name: string; platformRole: PlatformRole | null };
  tenant: { id: string; name: string; slug: string; roles: TenantRole[] } | null;
  ability: AppAbility;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Who did it, for audit logs: the signed-in user and the address they came from. */
export function actorOf({ auth, req }: { auth: AuthContext; req: Request }): { id: string; email: string; ip: string | null } {
  return { id: auth.user.id, email: auth.user.email, ip: clientIp(req) };
}

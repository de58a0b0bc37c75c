import { parse } from 'cookie';
import type { Response } from 'express';

const COOKIE_NAME = 'parley_sid';

export interface CookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
}

/**
 * Over https the cookie is `__Host-` prefixed: browsers then accept it only when it is Secure, set
 * by this very host, for Path=/ and without Domain, so a sibling subdomain or a plain-http page
 * cannot plant a session of its choosing (session fixation by cookie tossing). Plain http (a local
 * machine) cannot carry the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${COOKIE_NAME}` : COOKIE_NAME;
}

/** httpOnly so scripts cannot read it; SameSite=Lax so other sites' pages cannot post with it. */
export function setSessionCookie(res: Response, token: string, settings: CookieSettings): void {
  res.cookie(sessionCookieName(settings.secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure,
    path: '/',
    maxAge: settings.maxAgeSeconds * 1000,
  });
}

export function clearSessionCookie(res: Response, settings: CookieSettings): void {
  res.clearCookie(sessionCookieName(settings.secure), { httpOnly: true, sameSite: 'lax', secure: settings.secure, path: '/' });
}

/** Only the cookie of the configured name opens a session: over https an unprefixed one is ignored. */
export function readSessionToken(cookieHeader: string | undefined, settings: Pick<CookieSettings, 'secure'>): string | null {
  if (!cookieHeader) return null;
  return parse(cookieHeader)[sessionCookieName(settings.secure)] ?? null;
}

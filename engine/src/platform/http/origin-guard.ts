import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

/** Methods that only read: browsers may send them without an Origin, and they change nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Which web pages may act with a person's session cookie: pages of the configured origins
 * (PUBLIC_URL's and ALLOWED_ORIGINS), and pages of the very host the request was sent to. The
 * latter is sound because a browser sets `Host` itself: a page of another site that makes the
 * browser call Parley sends Parley's host with its own origin, which differs; and a host name
 * rebound to Parley's address gets only its own cookies, not Parley's. It keeps a machine reached
 * by another name (127.0.0.1, a LAN address, a test port) working without configuration.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(
    origins: string[],
    /** The scheme Parley is served under (PUBLIC_URL's), for the origin of the requested host. */
    private readonly scheme: 'http:' | 'https:',
  ) {
    this.allowed = new Set(origins);
  }

  allows(origin: string | null, host: string | undefined): boolean {
    if (!origin || origin === 'null') return false;
    return this.allowed.has(origin) || (host !== undefined && origin === `${this.scheme}//${host.toLowerCase()}`);
  }

  /** The origin of the page that sent a request: its `Origin`, else its `Referer`'s origin. */
  static originOf(headers: IncomingHttpHeaders): string | null {
    if (typeof headers.origin === 'string') return headers.origin;
    const referer = headers.referer;
    return referer && URL.canParse(referer) ? new URL(referer).origin : null;
  }
}

/**
 * Refuses a state-changing request whose page is not one of Parley's (cross-site request forgery).
 * SameSite=Lax already keeps the cookie off other sites' POSTs; this also covers sibling subdomains
 * (same site, other origin), browsers without SameSite, and a top-level GET that would change state.
 * Browsers send `Origin` on every non-GET fetch and form post; API clients outside a browser send it
 * themselves.
 */
export function originGuard(policy: OriginPolicy): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || policy.allows(OriginPolicy.originOf(req.headers), req.headers.host)) return next();
    next(new AppError('ORIGIN_REJECTED', 'This request did not come from a Parley page; reload Parley and try again'));
  };
}

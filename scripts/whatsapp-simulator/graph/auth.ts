import type { Request } from 'express';
import type { SimContext } from '../state/context.js';
import type { BusinessNumber } from '../state/numbers.js';
import { GraphError } from './errors.js';

/**
 * The Graph API takes the token from `Authorization: Bearer` or, as a fallback, `access_token`.
 * The Resumable Upload API documents `Authorization: OAuth <token>`; Graph takes either scheme.
 */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim()) : null;
  if (match?.[1]) return match[1];
  const query = req.query.access_token;
  return typeof query === 'string' && query.length > 0 ? query : null;
}

/** A token that no configured number holds is "invalid" (190, HTTP 401), whatever it addresses. */
function checkToken(ctx: SimContext, token: string | null): string {
  if (token === null || ctx.numbers.byToken(token).length === 0) {
    throw new GraphError(190, 'Invalid OAuth access token - Cannot parse access token');
  }
  return token;
}

export function missingObject(id: string): GraphError {
  return new GraphError(
    100,
    `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    33,
  );
}

export function authorizeNumber(ctx: SimContext, req: Request, phoneNumberId: string): BusinessNumber {
  const token = checkToken(ctx, bearerToken(req));
  const number = ctx.numbers.get(phoneNumberId);
  if (!number) throw missingObject(phoneNumberId);
  if (number.config.accessToken !== token) throw new GraphError(10, `The access token has no permission on phone number ${phoneNumberId}.`);
  return number;
}

/** WABA-scoped calls accept the token of any number registered in that WABA. */
export function authorizeWaba(ctx: SimContext, req: Request, wabaId: string): BusinessNumber {
  const token = checkToken(ctx, bearerToken(req));
  const numbers = ctx.numbers.byWaba(wabaId);
  const [first] = numbers;
  if (!first) throw missingObject(wabaId);
  const allowed = numbers.find((number) => number.config.accessToken === token);
  if (!allowed) throw new GraphError(10, `The access token has no permission on WhatsApp Business Account ${wabaId}.`);
  return allowed;
}

/** Graph only ever sees the token check first; then unknown ids are 100/33. */
export function requireToken(ctx: SimContext, req: Request): string {
  return checkToken(ctx, bearerToken(req));
}

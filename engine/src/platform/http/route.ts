import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { emptyBodySchema, emptyQuerySchema, type Action, type FieldIssue, type Subject } from '@parley/common';
import { AppError } from '../errors/app-error.js';
import type { AuthContext } from './context.js';

/**
 * Every route says who may call it. `public` routes need no session; `tenant` routes need a
 * session inside a tenant and the ability; `platform` routes need the ability only.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'session' }
  | { kind: 'tenant'; action: Action; subject: Subject }
  | { kind: 'platform'; action: Action; subject: Subject };

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
}

export interface AuthedContext<P, Q, B> extends RouteContext<P, Q, B> {
  auth: AuthContext;
}

export interface TenantContext<P, Q, B> extends AuthedContext<P, Q, B> {
  tenantId: string;
}

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

interface BaseSpec<P, Q, B> {
  method: Method;
  path: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** HTTP status of a successful answer; 204 sends no body. */
  status?: number;
  /** A valid body, used by the cross-tenant test to reach the service and not stop at validation. */
  sample?: { body?: unknown };
}

/** A route after its typed helper erased the generics; what `defineRoutes` registers. */
export interface RouteSpec extends BaseSpec<unknown, unknown, unknown> {
  access: Access;
  handler: (ctx: TenantContext<unknown, unknown, unknown>) => Promise<unknown>;
}

type Handler<C> = (ctx: C) => Promise<unknown>;

function erase(spec: BaseSpec<never, never, never>, access: Access, handler: Handler<never>): RouteSpec {
  return { ...(spec as BaseSpec<unknown, unknown, unknown>), access, handler: handler as RouteSpec['handler'] };
}

/** A route anyone may call (sign-in, invitation links). */
export function publicRoute<P = unknown, Q = unknown, B = unknown>(
  spec: BaseSpec<P, Q, B> & { handler: Handler<RouteContext<P, Q, B>> },
): RouteSpec {
  return erase(spec as never, { kind: 'public' }, spec.handler as never);
}

/** A route for any signed-in user, whatever their tenant or role. */
export function sessionRoute<P = unknown, Q = unknown, B = unknown>(
  spec: BaseSpec<P, Q, B> & { handler: Handler<AuthedContext<P, Q, B>> },
): RouteSpec {
  return erase(spec as never, { kind: 'session' }, spec.handler as never);
}

/** A route inside the session's tenant, allowed by the ability. */
export function tenantRoute<P = unknown, Q = unknown, B = unknown>(
  spec: BaseSpec<P, Q, B> & { can: [Action, Subject]; handler: Handler<TenantContext<P, Q, B>> },
): RouteSpec {
  return erase(spec as never, { kind: 'tenant', action: spec.can[0], subject: spec.can[1] }, spec.handler as never);
}

/** A platform administration route, allowed by the ability. */
export function platformRoute<P = unknown, Q = unknown, B = unknown>(
  spec: BaseSpec<P, Q, B> & { can: [Action, Subject]; handler: Handler<AuthedContext<P, Q, B>> },
): RouteSpec {
  return erase(spec as never, { kind: 'platform', action: spec.can[0], subject: spec.can[1] }, spec.handler as never);
}

export interface RegisteredRoute {
  method: Method;
  path: string;
  access: Access;
  sample?: { body?: unknown };
  /** The schemas the route validates with: the property tests build hostile input from their keys. */
  schemas: { query?: z.ZodType; body?: z.ZodType };
}

/** Marks the authorisation middleware so the router-walk test can find it on every route. */
export const ACCESS_MARK = Symbol('parley.access');
type MarkedHandler = RequestHandler & { [ACCESS_MARK]?: Access };

export function authorize(access: Access): MarkedHandler {
  const middleware: MarkedHandler = (req: Request, _res: Response, next: NextFunction) => {
    next(checkAccess(access, req.auth));
  };
  middleware[ACCESS_MARK] = access;
  return middleware;
}

export function accessOf(handler: unknown): Access | undefined {
  return typeof handler === 'function' ? (handler as MarkedHandler)[ACCESS_MARK] : undefined;
}

function checkAccess(access: Access, auth: AuthContext | undefined): AppError | undefined {
  if (access.kind === 'public') return undefined;
  if (!auth) return new AppError('UNAUTHENTICATED', 'Sign in to continue');
  if (access.kind === 'session') return undefined;
  if (access.kind === 'tenant' && !auth.tenant) {
    return new AppError('NO_TENANT_ACCESS', 'Open a workspace first: this account has no active tenant in this session');
  }
  if (!auth.ability.can(access.action, access.subject)) return AppError.forbidden();
  return undefined;
}

/** Registers typed, validated, authorised routes and records them for the route tests. */
export function defineRoutes(router: Router, registry: RegisteredRoute[], specs: RouteSpec[]): void {
  for (const spec of specs) {
    const schemas = { ...(spec.query ? { query: spec.query } : {}), ...(spec.body ? { body: spec.body } : {}) };
    registry.push({ method: spec.method, path: spec.path, access: spec.access, schemas, ...(spec.sample ? { sample: spec.sample } : {}) });
    router[spec.method](spec.path, authorize(spec.access), async (req: Request, res: Response) => {
      const ctx = parseRequest(spec, req, res);
      const result = await spec.handler(ctx);
      // A download (CSV export) answers through `res` itself.
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (status === 204 || result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    });
  }
}

function parseRequest(spec: RouteSpec, req: Request, res: Response): TenantContext<unknown, unknown, unknown> {
  const issues: FieldIssue[] = [];
  const params = parsePart('params', spec.params, req.params, issues);
  // Unknown query keys and bodies nobody asked for are refused, not silently ignored.
  const query = parsePart('query', spec.query ?? emptyQuerySchema, req.query, issues);
  if (spec.body && req.headers['content-length'] !== '0' && req.body === undefined && req.headers['content-type']) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  const bodySchema = spec.body ?? (spec.method === 'get' ? undefined : emptyBodySchema);
  const body = parsePart('body', bodySchema, req.body ?? {}, issues);
  if (issues.length > 0) throw AppError.validation(issues);
  const auth = req.auth as AuthContext;
  return { req, res, params, query, body, auth, tenantId: auth?.tenant?.id ?? '' };
}

function parsePart(where: string, schema: z.ZodType | undefined, value: unknown, issues: FieldIssue[]): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const field = [where, ...issue.path.map(String)].join('.');
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    issues.push({ field, message: `${issue.message}${keys}` });
  }
  return undefined;
}

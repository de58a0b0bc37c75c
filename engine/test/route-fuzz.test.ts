import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { ERROR_CODES, TENANT_ROLES, type ErrorCode } from '@parley/common';
import type { RegisteredRoute } from '../src/platform/http/route.js';
import { ApiClient } from './support/api-client.js';
import { addMember, onboardTenant, platformAdminClient, type TenantFixture } from './support/fixtures.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { hostileRequest, type HostileRequest } from './support/hostile-input.js';

/** Runs per route for a caller the route lets through; a caller it refuses needs only a few. */
const RUNS_ALLOWED = 12;
const RUNS_REFUSED = 2;
/** What the issue calls a stall: work that holds the event loop this long stops every tenant. */
const STALL_MS = 200;
/**
 * Routes a fuzzed call may legitimately end the caller's session with, which would turn every
 * later call of that caller into a 401: signing out, and switching tenant with a valid body.
 */
const SESSION_ENDING = new Set(['post /api/auth/logout']);

interface Caller {
  role: string;
  client: ApiClient;
}

describe('Every route under hostile input', function () {
  this.timeout(600_000);
  let t: TestEngine;
  let tenant: TenantFixture;
  let callers: Caller[];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let loop: IntervalHistogram | undefined;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'fuzz');
    callers = [
      { role: 'anonymous', client: new ApiClient(t.url) },
      { role: 'platform_admin', client: await platformAdminClient(t) },
      { role: 'tenant_admin', client: tenant.admin },
    ];
    for (const role of TENANT_ROLES.filter((r) => r !== 'tenant_admin')) {
      callers.push({ role, client: (await addMember(t, tenant, `${role}@fuzz.test`, [role])).client });
    }
    process.on('unhandledRejection', onUnhandled);
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
  });

  after(async () => {
    loop?.disable();
    process.off('unhandledRejection', onUnhandled);
    if (!t) return;
    await dropTestData(t.engine);
    await t.close();
  });

  it('answers every role with a 2xx or a 4xx carrying a stable error code, never a 500, a stall or a half-written record', async () => {
    const routes = t.engine.routes.filter((route) => !SESSION_ENDING.has(`${route.method} ${route.path}`));
    expect(routes.length).to.be.greaterThan(50);
    const failures: string[] = [];
    for (const route of routes) {
      const before = await storedCounts();
      let succeeded = false;
      for (const caller of callers) {
        const outcome = await fuzzRoute(route, caller);
        failures.push(...outcome.failures);
        succeeded ||= outcome.succeeded;
      }
      // Requests all refused with a 4xx leave no trace; one that succeeded may well have written.
      if (!succeeded) {
        const after = await storedCounts();
        const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
        if (changed.length > 0) failures.push(`${route.method} ${route.path}: refused requests changed ${changed.join(', ')}`);
      }
    }
    expect(failures, failures.slice(0, 40).join('\n')).to.deep.equal([]);
    expect(unhandled.map(String)).to.deep.equal([]);
  });

  /** Fuzzes one route as one caller: what went wrong, each with the request that did it. */
  async function fuzzRoute(route: RegisteredRoute, caller: Caller): Promise<{ failures: string[]; succeeded: boolean }> {
    const failures: string[] = [];
    let succeeded = false;
    const probe = await send(route, caller, { path: route.path, query: '', body: undefined });
    const refused = probe.status === 401 || probe.status === 403;
    await fc.assert(
      fc.asyncProperty(hostileRequest(route), async (request) => {
        const { answer, stalledMs } = await timed(route, caller, request);
        if (answer.status < 300) succeeded = true;
        let problem = judge(answer, stalledMs);
        // A stall that the same request does not cause again was the machine's, not the route's.
        if (problem && stalledMs > STALL_MS) problem = judge(answer, (await timed(route, caller, request)).stalledMs);
        // The first problem of a route and caller is enough to see; the rest are mostly the same.
        if (problem && failures.length === 0) failures.push(`${caller.role} ${route.method} ${route.path}: ${problem} for ${show(request)}`);
      }),
      { numRuns: refused ? RUNS_REFUSED : RUNS_ALLOWED, seed: seedOf(route, caller) },
    );
    return { failures, succeeded: succeeded || probe.status < 300 };
  }

  /** Sends a request and measures the longest the event loop was held meanwhile. */
  async function timed(route: RegisteredRoute, caller: Caller, request: HostileRequest): Promise<{ answer: { status: number; body: unknown }; stalledMs: number }> {
    loop?.reset();
    const answer = await send(route, caller, request);
    return { answer, stalledMs: (loop?.max ?? 0) / 1e6 };
  }

  async function send(route: RegisteredRoute, caller: Caller, request: HostileRequest): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { origin: t.url };
    if (caller.client.sessionCookie) headers.cookie = caller.client.sessionCookie;
    const hasBody = route.method !== 'get' && request.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    const response = await fetch(`${t.url}${request.path}${request.query ? `?${request.query}` : ''}`, {
      method: route.method.toUpperCase(),
      headers,
      body: hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined,
    });
    const text = await response.text();
    // A download (CSV) is a success like any other; an error is always the JSON of the error model.
    const json = (response.headers.get('content-type') ?? '').includes('application/json');
    return { status: response.status, body: json ? JSON.parse(text) : text.slice(0, 200) };
  }

  /** The documents of the fuzzed tenant and of the platform, counted per collection. */
  async function storedCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [label, connection] of [['tenant', t.engine.db.tenant(tenant.id)], ['platform', t.engine.db.platform]] as [string, Connection][]) {
      const db = connection.db;
      if (!db) continue;
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        // Refused sign-ins are audited on purpose: the audit trail records failures too.
        if (IGNORED_COLLECTIONS.has(name)) continue;
        counts[`${label}.${name}`] = await db.collection(name).countDocuments();
      }
    }
    return counts;
  }
});

/** Collections a refused request writes to by design, each for the reason given. */
const IGNORED_COLLECTIONS = new Set([
  // Refused sign-ins, invitation acceptances and resets are recorded: the trail keeps failures.
  'audit_log',
  // A password-reset request answers the same whether or not the email exists, and mails when it does.
  'mail_outbox',
]);

function judge(answer: { status: number; body: unknown }, stalledMs: number): string | null {
  // Node's HTTP parser refuses a request line or headers past 16 KiB before any of Parley runs.
  if (answer.status === 431) return null;
  if (answer.status >= 500) return `answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
  if (stalledMs > STALL_MS) return `held the event loop ${Math.round(stalledMs)} ms`;
  if (answer.status >= 400) {
    const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
    if (!code || !(code in ERROR_CODES)) return `answered ${answer.status} without a stable error code: ${JSON.stringify(answer.body).slice(0, 200)}`;
    if (ERROR_CODES[code as ErrorCode] !== answer.status) return `answered ${answer.status} with ${code}, whose status is ${ERROR_CODES[code as ErrorCode]}`;
  }
  return null;
}

function show(request: HostileRequest): string {
  const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  return `${request.path}?${request.query.slice(0, 120)} ${String(body).slice(0, 200)}`;
}

/** One seed per route and caller, so a failure is replayed by the same run. */
function seedOf(route: RegisteredRoute, caller: Caller): number {
  let hash = 0;
  for (const char of `${route.method} ${route.path} ${caller.role}`) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CreateTemplateBody, ServerToClientEvents, TemplateView } from '@parley/common';
import type { ApiClient } from '../support/api-client.js';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { connectWhatsApp, eventually, type WhatsAppFixture } from '../support/whatsapp.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ErrorAnswer = { error: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } } };

export interface TemplateWorld {
  t: TestEngine;
  tenant: TenantFixture;
  wa: WhatsAppFixture;
  marketer: { client: ApiClient; userId: string };
  care: { client: ApiClient; userId: string };
}

/** An engine, a tenant with its number on the simulator, a marketer and a care agent. */
export async function templateWorld(slug: string): Promise<TemplateWorld> {
  const t = await startTestEngine();
  const tenant = await onboardTenant(t, slug);
  const wa = await connectWhatsApp(t, tenant);
  // Reviews happen when a test asks for them, not on a timer.
  await sim(wa, 'POST', '/settings', { templateReviewMs: null });
  const marketer = await addMember(t, tenant, `marketer@${slug}.test`, ['marketer']);
  const care = await addMember(t, tenant, `care@${slug}.test`, ['care_agent']);
  return { t, tenant, wa, marketer, care };
}

/**
 * Drops this world's databases by name. Listing every database (as dropTestData does) waits on
 * whatever other suites sharing the test server hold open.
 */
export async function closeWorld(world: TemplateWorld, otherTenantIds: string[] = []): Promise<void> {
  await world.wa.close();
  const { db } = world.t.engine;
  for (const tenantId of [world.tenant.id, ...otherTenantIds]) await db.dropTenant(tenantId);
  await db.platform.dropDatabase();
  await world.t.close();
}

export async function sim<T = unknown>(wa: WhatsAppFixture, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${wa.sim.url}/__sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The templates the simulator (WhatsApp) holds for the test number. */
export async function simTemplates(wa: WhatsAppFixture): Promise<{ id: string; name: string; language: string; status: string; category: string; components: { type: string; text?: string }[] }[]> {
  return (await sim<{ data: [] }>(wa, 'GET', `/templates?wabaId=${wa.channel.wabaId}`)).data;
}

export function offer(change: Partial<CreateTemplateBody> = {}): CreateTemplateBody {
  return {
    name: 'spring_offer',
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    header: null,
    body: { text: 'Hi {{1}}, take {{2}} off this week.', examples: { '1': 'Ana', '2': '20%' } },
    footer: 'Reply STOP to opt out',
    buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }],
    submit: true,
    ...change,
  };
}

/** Creates and submits a template, then has WhatsApp approve it; resolves once it is APPROVED here. */
export async function approvedTemplate(world: TemplateWorld, body: CreateTemplateBody): Promise<TemplateView> {
  const created = await world.marketer.client.post<TemplateView>('/api/templates', { ...body, submit: true });
  if (created.status !== 201 || !created.body.graphId) throw new Error(`creating ${body.name} failed: ${JSON.stringify(created.body)}`);
  await sim(world.wa, 'POST', `/templates/${created.body.graphId}/review`);
  return eventually(async () => {
    const view = await world.marketer.client.get<TemplateView>(`/api/templates/${created.body.id}`);
    return view.body.status === 'APPROVED' ? view.body : undefined;
  }, `${body.name} approved`);
}

export async function socketOf(t: TestEngine, client: ApiClient): Promise<ClientSocket> {
  const socket: ClientSocket = io(t.url, { transports: ['websocket'], extraHeaders: { origin: t.url, cookie: client.sessionCookie ?? '' }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

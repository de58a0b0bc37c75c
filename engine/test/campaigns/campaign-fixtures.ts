import type { CampaignView, CreateCampaignBody, TemplateView } from '@parley/common';
import type { CustomerDoc } from '../../src/domains/customers/index.js';
import type { ApiClient } from '../support/api-client.js';
import { dropTestData, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import { connectWhatsApp, eventually, PNID, type WhatsAppFixture } from '../support/whatsapp.js';

export const TEMPLATE_NAME = 'fibre_offer';

/** Indian mobiles: WhatsApp returns their wa_id unchanged, and +1 marketing is blocked (as at Meta). */
export function phoneOf(n: number): string {
  return `+9198${String(n).padStart(8, '0')}`;
}

export function waIdOf(n: number): string {
  return phoneOf(n).slice(1);
}

export async function simControl<T = unknown>(wa: WhatsAppFixture, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${wa.sim.url}/__sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A marketing template approved at the (simulated) WhatsApp and synced into the tenant. */
export async function approvedTemplate(wa: WhatsAppFixture, tenant: TenantFixture, name = TEMPLATE_NAME, status = 'APPROVED'): Promise<TemplateView> {
  await simControl(wa, 'POST', '/templates', {
    wabaId: wa.channel.wabaId,
    name,
    language: 'en',
    category: 'MARKETING',
    status,
    components: [{ type: 'BODY', text: 'Hi {{1}}, fibre 500 is half price this month.', example: { body_text: [['Ana']] } }],
  });
  const synced = await tenant.admin.post<TemplateView[]>('/api/templates/sync');
  const template = synced.body.find((t) => t.name === name);
  if (!template) throw new Error(`template ${name} was not synced: ${JSON.stringify(synced.body)}`);
  return template;
}

/** Lets the number send fast and to many people (the defaults are 80/s and 2,000 people a day). */
export async function unleashNumber(t: TestEngine, wa: WhatsAppFixture, tenant: TenantFixture, throughput = 1000): Promise<void> {
  await simControl(wa, 'POST', '/numbers', { phoneNumberId: PNID, throughput, tier: 'TIER_UNLIMITED' });
  await t.engine.services.channels.updateHealth(tenant.id, PNID, { throughput, messagingTier: 'TIER_UNLIMITED' });
}

export function customer(n: number, seed: Partial<CustomerDoc> = {}): Omit<CustomerDoc, '_id'> {
  const now = new Date();
  return {
    identityKey: `wa:${waIdOf(n)}`,
    waId: null,
    userId: null,
    phone: phoneOf(n),
    name: `Customer ${n}`,
    marketingConsent: 'granted',
    consentUpdatedAt: now,
    unreachable: false,
    tags: [],
    listIds: [],
    attributes: {},
    country: 'IN',
    email: null,
    source: 'import',
    createdAt: now,
    lastSeenAt: now,
    ...seed,
  };
}

export async function seedCustomers(t: TestEngine, tenant: TenantFixture, docs: Omit<CustomerDoc, '_id'>[]): Promise<void> {
  const customers = t.engine.services.customers.customers(tenant.id);
  for (let i = 0; i < docs.length; i += 1000) await customers.insertMany(docs.slice(i, i + 1000), { ordered: false });
}

/** A contact list of these customers (consenting unless `seed` says otherwise); returns its id. */
export async function contactList(t: TestEngine, tenant: TenantFixture, name: string, numbers: number[], seed: (n: number) => Parameters<typeof customer>[1] = () => ({})): Promise<string> {
  const now = new Date();
  const list = await t.engine.services.contacts.lists(tenant.id).create({ name, nameKey: name.toLowerCase(), createdBy: 'test', createdAt: now, updatedAt: now });
  const listId = String(list._id);
  await seedCustomers(t, tenant, numbers.map((n) => customer(n, { listIds: [listId], ...seed(n) })));
  return listId;
}

export function campaignBody(templateId: string, overrides: Partial<CreateCampaignBody> = {}): Record<string, unknown> {
  return {
    name: 'Fibre sale',
    templateId,
    variables: [{ parameter: '1', source: { kind: 'first_name' }, fallback: 'there' }],
    audience: { allConsenting: true },
    throughputCap: 1000,
    ...overrides,
  };
}

export async function launched(tenant: TenantFixture, templateId: string, overrides: Partial<CreateCampaignBody> = {}, by: ApiClient = tenant.admin): Promise<CampaignView> {
  const created = await by.post<CampaignView>('/api/campaigns', campaignBody(templateId, overrides));
  if (created.status !== 201) throw new Error(`creating the campaign failed: ${JSON.stringify(created.body)}`);
  const launch = await by.post<CampaignView>(`/api/campaigns/${created.body.id}/launch`);
  if (launch.status !== 200) throw new Error(`launching failed: ${JSON.stringify(launch.body)}`);
  return launch.body;
}

export function campaignIn(tenant: TenantFixture, id: string, statuses: CampaignView['status'][], timeoutMs = 60_000): Promise<CampaignView> {
  return eventually(async () => {
    const view = await tenant.admin.get<CampaignView>(`/api/campaigns/${id}`);
    return statuses.includes(view.body.status) ? view.body : undefined;
  }, `campaign ${id} to be ${statuses.join(' or ')}`, timeoutMs);
}

/** Recipients per wa_id in the simulator's send log of one template: each must be 1. */
export function sendsPerRecipient(wa: WhatsAppFixture, template = TEMPLATE_NAME): Map<string, number> {
  const counts = new Map<string, number>();
  for (const send of wa.sends()) {
    if (send.templateName !== template || !send.waId) continue;
    counts.set(send.waId, (counts.get(send.waId) ?? 0) + 1);
  }
  return counts;
}

/** A tenant whose simulated number sends fast (messages left unread), with the approved template and a marketer. */
export async function campaignTenant(t: TestEngine, slug: string): Promise<{ tenant: TenantFixture; wa: WhatsAppFixture; template: TemplateView; marketer: ApiClient }> {
  const tenant = await onboardTenant(t, slug);
  const wa = await connectWhatsApp(t, tenant);
  await simControl(wa, 'POST', '/settings', { readProbability: 0 });
  await unleashNumber(t, wa, tenant);
  const template = await approvedTemplate(wa, tenant);
  const marketer = (await addMember(t, tenant, `marketing@${slug}.test`, ['marketer'])).client;
  return { tenant, wa, template, marketer };
}

/** Closes what `campaignTenant` opened and the engine, dropping the test's databases. */
export async function closeCampaignEngine(t: TestEngine, wa: WhatsAppFixture): Promise<void> {
  await wa.close();
  await t.engine.services.campaigns.stop();
  await dropTestData(t.engine);
  await t.close();
}

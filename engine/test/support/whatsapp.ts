import type { ChannelView, ConversationDetail, ConversationView } from '@parley/common';
import { createSimulator, DEMO_NUMBER, metaJson, signatureSha256, type SendRecord, type Simulator } from '../../../scripts/whatsapp-simulator/index.js';
import type { ApiClient } from './api-client.js';
import type { TestEngine } from './harness.js';
import type { TenantFixture } from './fixtures.js';

export const PNID = DEMO_NUMBER.phoneNumberId;
export const WABA = DEMO_NUMBER.wabaId;
export const APP_SECRET = DEMO_NUMBER.appSecret;

export interface WhatsAppFixture {
  sim: Simulator;
  channel: ChannelView;
  /** Injects a customer message through the simulator (signed webhook to the engine). */
  inject(body: Record<string, unknown>): Promise<{ wamid: string }>;
  /** Every send the simulator accepted, optionally only those to one wa_id. */
  sends(waId?: string): SendRecord[];
  /** POSTs a webhook body the way Meta does, signed with the app secret (or not). */
  post(value: unknown, options?: { secret?: string | null }): Promise<Response>;
  close(): Promise<void>;
}


/** Connects the demo number to a simulator through the tenant admin's API; throws unless it is created. */
export async function connectDemoNumber(admin: ApiClient, sim: Simulator): Promise<{ status: number; body: ChannelView }> {
  const connected = await admin.post<ChannelView>('/api/channels', {
    phoneNumberId: PNID,
    wabaId: WABA,
    displayPhoneNumber: '+1 555 010 0001',
    accessToken: DEMO_NUMBER.accessToken,
    appSecret: APP_SECRET,
    verifyToken: DEMO_NUMBER.verifyToken ?? 'demo-verify-token',
    graphBaseUrl: `${sim.url}/v23.0`,
  });
  if (connected.status !== 201) throw new Error(`connecting the channel failed: ${JSON.stringify(connected.body)}`);
  return connected;
}

/** A simulator wired to the engine, and the tenant's channel connected to it through the API. */
export async function connectWhatsApp(t: TestEngine, tenant: TenantFixture): Promise<WhatsAppFixture> {
  const sim = await createSimulator({ port: 0, webhookUrl: `${t.url}/webhooks/whatsapp`, seed: 'tests' });
  const connected = await connectDemoNumber(tenant.admin, sim);
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sim.url}/__sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    sim,
    channel: connected.body,
    inject: async (body) => ({ wamid: (await control<{ id: string }>('POST', '/inbound', body)).id }),
    sends: (waId) => sim.state.sends.all().filter((send) => waId === undefined || send.waId === waId),
    post: (value, options = {}) => {
      const raw = metaJson(value);
      const secret = options.secret === undefined ? APP_SECRET : options.secret;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (secret) headers['x-hub-signature-256'] = signatureSha256(secret, raw);
      return fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers, body: raw });
    },
    close: () => sim.close(),
  };
}

/** Polls until `check` returns a value (not undefined/false) or the generous deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function messagesEnvelope(messages: Record<string, unknown>[], contacts: Record<string, unknown>[]) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PNID }, contacts, messages } }] }],
  };
}

export function statusesEnvelope(statuses: Record<string, unknown>[]) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PNID }, statuses } }] }],
  };
}

export async function conversationOf(tenant: TenantFixture, waId: string): Promise<ConversationView | undefined> {
  const list = await tenant.admin.get<ConversationView[]>('/api/conversations');
  return list.body.find((c) => c.customer.waId === waId);
}

export async function detailOf(tenant: TenantFixture, conversationId: string): Promise<ConversationDetail> {
  return (await tenant.admin.get<ConversationDetail>(`/api/conversations/${conversationId}`)).body;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator, type SimulatorOptions } from '../index.js';

export const PNID = '100000000000001';
export const WABA = '200000000000001';
export const TOKEN = 'demo-access-token';
export const SECRET = 'demo-app-secret';
/** A fixed virtual epoch so timestamps are predictable: 2026-01-15T12:00:00Z. */
export const EPOCH = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface WebhookError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
}

export interface StatusItem {
  id: string;
  status: string;
  timestamp: string;
  recipient_id?: string;
  recipient_user_id?: string;
  biz_opaque_callback_data?: string;
  conversation?: { id: string; expiration_timestamp: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: string; type: string; category: string };
  errors?: WebhookError[];
}

export interface MessageItem {
  id: string;
  from?: string;
  from_user_id?: string;
  timestamp: string;
  type: string;
  context?: { from: string; id: string };
  [key: string]: unknown;
}

export interface ChangeValue {
  messaging_product?: string;
  metadata?: { display_phone_number: string; phone_number_id: string };
  contacts?: Array<{ profile?: { name: string }; wa_id?: string; user_id?: string }>;
  messages?: MessageItem[];
  statuses?: StatusItem[];
  [key: string]: unknown;
}

export interface Envelope {
  object: string;
  entry: Array<{ id: string; time?: number; changes: Array<{ field: string; value: ChangeValue }> }>;
}

export interface Received {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  body: Envelope;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the HTTP status of each POST (1-based count); 200 by default. */
  respond: (count: number, raw: Buffer) => number;
  close(): Promise<void>;
}

/** A tiny webhook endpoint on port 0 that keeps the raw bytes of every POST. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], respond: () => 200, close: async () => undefined };
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = receiver.respond(++count, raw);
      if (status === 200) receiver.received.push({ raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')) as Envelope });
      res.writeHead(status).end(status === 200 ? 'EVENT_RECEIVED' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** How a receiver must verify: HMAC over the exact bytes, compared in constant time. */
export function signatureValid(received: Received, secret = SECRET): boolean {
  const header = received.headers['x-hub-signature-256'];
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(received.raw).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startSim(receiver: Receiver | null, options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator({ seed: 'test-seed', clock: { frozen: true, start: EPOCH }, webhookUrl: receiver?.url ?? null, ...options });
}

/** Polls until the condition holds; the deadline is generous and never part of the assertion. */
type Maybe<T> = T | undefined | null | false;

export async function waitFor<T>(check: () => Maybe<T> | Promise<Maybe<T>>, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface HttpResult<T> {
  status: number;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${sim.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface SendOk {
  messaging_product: string;
  contacts: Array<{ input: string; wa_id?: string; user_id?: string }>;
  messages: Array<{ id: string }>;
}

export interface GraphErrorBody {
  error: { message: string; type: string; code: number; error_data: { messaging_product: string; details: string }; error_subcode?: number; fbtrace_id: string };
}

export const send = <T = SendOk>(sim: Simulator, body: Record<string, unknown>, token: string | null = TOKEN, pnid = PNID) =>
  call<T>(sim, 'POST', `/v23.0/${pnid}/messages`, { messaging_product: 'whatsapp', ...body }, token);

export const inject = (sim: Simulator, body: Record<string, unknown>) => call<{ id: string; userId: string; message: MessageItem }>(sim, 'POST', '/__sim/inbound', body, null);

export const control = <T = Record<string, unknown>>(sim: Simulator, method: string, path: string, body?: unknown) =>
  call<T>(sim, method, `/__sim${path}`, body, null);

export function allStatuses(receiver: Receiver): StatusItem[] {
  return receiver.received.flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? [])));
}

export function allMessages(receiver: Receiver): MessageItem[] {
  return receiver.received.flatMap((r) => r.body.entry.flatMap((e) => e.changes.flatMap((c) => c.value.messages ?? [])));
}

export function changesOf(receiver: Receiver, field: string): Array<{ entry: Envelope['entry'][number]; value: ChangeValue }> {
  return receiver.received.flatMap((r) => r.body.entry.flatMap((entry) => entry.changes.filter((c) => c.field === field).map((c) => ({ entry, value: c.value }))));
}

export function statusesFor(receiver: Receiver, wamid: string): string[] {
  return allStatuses(receiver).filter((s) => s.id === wamid).map((s) => s.status);
}

export const APPROVED_TEMPLATE = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Ana', '#123']] } },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }, { type: 'URL', text: 'Track', url: 'https://ex.com/t/{{1}}', example: ['https://ex.com/t/1'] }] },
  ],
};

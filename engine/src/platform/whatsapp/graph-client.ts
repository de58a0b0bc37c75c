import { Agent, request, errors as undiciErrors } from 'undici';
import { policyFor, reasonFor, type ErrorPolicy } from './error-policy.js';

export interface GraphChannel {
  graphBaseUrl: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

export type SendOutcome =
  | { ok: true; wamid: string; waId: string | null }
  /** Meta answered with an error: nothing was accepted. */
  | { ok: false; kind: 'rejected'; code: number; message: string; reason: string; policy: ErrorPolicy }
  /** The request may have reached Meta but no answer came: never resend blindly. */
  | { ok: false; kind: 'ambiguous'; message: string }
  /** The request never left (connection refused, DNS): safe to send again. */
  | { ok: false; kind: 'unsent'; message: string };

interface GraphErrorBody {
  error?: { code?: number; message?: string; error_data?: { details?: string } | string };
}

/**
 * The one place that talks to the WhatsApp Cloud API. A kept-alive connection pool serves every
 * tenant; each call carries the channel's own token.
 */
export class GraphClient {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });

  constructor(private readonly timeoutMs = 15_000) {}

  async sendMessage(channel: GraphChannel, body: Record<string, unknown>): Promise<SendOutcome> {
    const url = `${channel.graphBaseUrl}/${channel.phoneNumberId}/messages`;
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${channel.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return classifyTransportError(error);
    }
    return parseSendResponse(status, text);
  }

  /** Marks an inbound message read (blue ticks) and optionally shows the typing indicator. */
  async markRead(channel: GraphChannel, wamid: string, typing: boolean): Promise<void> {
    await this.post(channel, `${channel.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      ...(typing ? { typing_indicator: { type: 'text' } } : {}),
    });
  }

  async listTemplates(channel: GraphChannel): Promise<unknown[]> {
    const templates: unknown[] = [];
    let url: string | null = `${channel.graphBaseUrl}/${channel.wabaId}/message_templates?limit=100`;
    for (let page = 0; url && page < 100; page++) {
      const result = await this.get(channel, url);
      const body = result as { data?: unknown[]; paging?: { next?: string } };
      templates.push(...(body.data ?? []));
      url = body.paging?.next ?? null;
    }
    return templates;
  }

  private async post(channel: GraphChannel, path: string, body: unknown): Promise<unknown> {
    const response = await request(`${channel.graphBaseUrl}/${path}`, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${channel.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    return readJson(response.statusCode, await response.body.text());
  }

  private async get(channel: GraphChannel, url: string): Promise<unknown> {
    const response = await request(url, {
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${channel.accessToken}` },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    return readJson(response.statusCode, await response.body.text());
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

export class GraphError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

function readJson(status: number, text: string): unknown {
  const body = safeParse(text) as GraphErrorBody | null;
  if (status >= 200 && status < 300) return body;
  throw new GraphError(body?.error?.code ?? status, body?.error?.message ?? `Graph API answered ${status}`);
}

function parseSendResponse(status: number, text: string): SendOutcome {
  const body = safeParse(text);
  if (status >= 200 && status < 300) {
    const ok = body as { messages?: { id?: string }[]; contacts?: { wa_id?: string }[] } | null;
    const wamid = ok?.messages?.[0]?.id;
    if (wamid) return { ok: true, wamid, waId: ok?.contacts?.[0]?.wa_id ?? null };
    return { ok: false, kind: 'ambiguous', message: `accepted without a message id (${status})` };
  }
  const error = (body as GraphErrorBody | null)?.error;
  if (typeof error?.code !== 'number') {
    // A 5xx without Meta's error body may come from a proxy after Meta accepted the message.
    return { ok: false, kind: 'ambiguous', message: `HTTP ${status} without an error body` };
  }
  const message = error.message ?? 'Graph API error';
  return { ok: false, kind: 'rejected', code: error.code, message, reason: reasonFor(error.code, message), policy: policyFor(error.code) };
}

function classifyTransportError(error: unknown): SendOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code) || error instanceof undiciErrors.ConnectTimeoutError) {
    return { ok: false, kind: 'unsent', message };
  }
  return { ok: false, kind: 'ambiguous', message };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

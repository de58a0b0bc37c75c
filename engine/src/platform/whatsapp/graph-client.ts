import { Agent, FormData, request, errors as undiciErrors } from 'undici';
import { CODE_REFUSED_ADDRESS, CODE_UNRECOGNISED_ANSWER, policyFor, reasonFor, type ErrorPolicy } from './error-policy.js';
import type { GraphUrlPolicy } from './graph-url.js';

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

/** A file sent to the Graph API. */
export interface GraphFile {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

interface GraphErrorBody {
  error?: { code?: number; message?: string; error_data?: { details?: string } | string; error_user_msg?: string };
}

/** Meta's words, kept for people and logs, bounded: a long answer is not stored or shown whole. */
const MAX_META_TEXT = 300;

/**
 * The one place that talks to the WhatsApp Cloud API. A kept-alive connection pool serves every
 * tenant; each call carries the channel's own token. Every request is checked against the allowed
 * origins first (a base URL stored before the allow-list existed is refused without a request),
 * and redirects are never followed (undici's `request` does not follow them): a token goes only
 * where the allow-list says.
 */
export class GraphClient {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });

  constructor(
    private readonly urls: GraphUrlPolicy,
    private readonly timeoutMs = 15_000,
    /** A 100 MB document takes longer than a message to reach Meta. */
    private readonly uploadTimeoutMs = 120_000,
  ) {}

  async sendMessage(channel: GraphChannel, body: Record<string, unknown>): Promise<SendOutcome> {
    const url = `${channel.graphBaseUrl}/${channel.phoneNumberId}/messages`;
    if (!this.allowed(channel, url)) return { ok: false, kind: 'rejected', code: CODE_REFUSED_ADDRESS, message: 'address not allowed', reason: reasonFor(CODE_REFUSED_ADDRESS, ''), policy: policyFor(CODE_REFUSED_ADDRESS) };
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

  /** `POST /{waba-id}/message_templates` (§3.1): WhatsApp answers PENDING; the review comes by webhook. */
  async createTemplate(channel: GraphChannel, body: Record<string, unknown>): Promise<{ id: string; status: string; category: string | null }> {
    const result = (await this.post(channel, `${channel.wabaId}/message_templates`, body)) as { id?: unknown; status?: unknown; category?: unknown } | null;
    if (typeof result?.id !== 'string' && typeof result?.id !== 'number') throw new GraphError(0, 'WhatsApp accepted the template without an id');
    return { id: String(result.id), status: typeof result.status === 'string' ? result.status : 'PENDING', category: typeof result.category === 'string' ? result.category : null };
  }

  /** `POST /{template-id}` (§3.2): new components, and a category only for rejected or paused ones. */
  async editTemplate(channel: GraphChannel, templateId: string, body: Record<string, unknown>): Promise<void> {
    await this.post(channel, encodeURIComponent(templateId), body);
  }

  /** Deletes one language of a template: with `hsm_id`, only that id (whose name must match) goes. */
  async deleteTemplate(channel: GraphChannel, name: string, templateId: string): Promise<void> {
    const query = new URLSearchParams({ name, hsm_id: templateId });
    const response = await request(this.checked(channel, `${channel.graphBaseUrl}/${channel.wabaId}/message_templates?${query.toString()}`), {
      method: 'DELETE',
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${channel.accessToken}` },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    readJson(response.statusCode, await response.body.text());
  }

  /** `POST /{phone-number-id}/media` (multipart): a file the number can then send by id for 30 days. */
  async uploadMedia(channel: GraphChannel, file: GraphFile): Promise<{ id: string }> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', file.mimeType);
    form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.fileName);
    const response = await request(this.checked(channel, `${channel.graphBaseUrl}/${channel.phoneNumberId}/media`), {
      method: 'POST',
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${channel.accessToken}` },
      body: form,
      headersTimeout: this.uploadTimeoutMs,
      bodyTimeout: this.uploadTimeoutMs,
    });
    const result = readJson(response.statusCode, await response.body.text()) as { id?: unknown } | null;
    if (typeof result?.id !== 'string' || result.id === '') throw new GraphError(0, 'WhatsApp took the file without giving its media id');
    return { id: result.id };
  }

  /**
   * The Resumable Upload API, which is how a template's media sample reaches Meta: a session for
   * the file (`POST /app/uploads`), then its bytes from offset 0 (`POST /upload:<id>`), which
   * answer the handle (`h`) a template's `header_handle` quotes.
   */
  async uploadExample(channel: GraphChannel, file: GraphFile): Promise<{ handle: string }> {
    const query = new URLSearchParams({ file_name: file.fileName, file_length: String(file.bytes.length), file_type: file.mimeType });
    const session = (await this.post(channel, `app/uploads?${query.toString()}`, {})) as { id?: unknown } | null;
    if (typeof session?.id !== 'string' || !session.id.startsWith('upload:')) throw new GraphError(0, 'WhatsApp opened no upload session');
    // The session id is used as Meta gives it (it may carry its own query string).
    const response = await request(this.checked(channel, `${channel.graphBaseUrl}/${session.id}`), {
      method: 'POST',
      dispatcher: this.agent,
      headers: { authorization: `OAuth ${channel.accessToken}`, file_offset: '0', 'content-type': 'application/octet-stream' },
      body: file.bytes,
      headersTimeout: this.uploadTimeoutMs,
      bodyTimeout: this.uploadTimeoutMs,
    });
    const result = readJson(response.statusCode, await response.body.text()) as { h?: unknown } | null;
    if (typeof result?.h !== 'string' || result.h === '') throw new GraphError(0, 'WhatsApp took the file without giving its handle');
    return { handle: result.h };
  }

  private async post(channel: GraphChannel, path: string, body: unknown): Promise<unknown> {
    const response = await request(this.checked(channel, `${channel.graphBaseUrl}/${path}`), {
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
    // `url` may be a paging link from the answer: it is checked like any other address.
    const response = await request(this.checked(channel, url), {
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

  /** The channel's base and the full address must both pass the allow-list before the token leaves. */
  private allowed(channel: GraphChannel, url: string): boolean {
    return this.urls.problemWithBase(channel.graphBaseUrl) === null && this.urls.allowsRequest(url);
  }

  private checked(channel: GraphChannel, url: string): string {
    if (!this.allowed(channel, url)) throw new GraphError(CODE_REFUSED_ADDRESS, reasonFor(CODE_REFUSED_ADDRESS, ''));
    return url;
  }
}

export class GraphError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** Meta's `error_data.details` (an object or, for template calls, a plain string) or `error_user_msg`. */
    readonly details: string | null = null,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/**
 * A success's body, or a GraphError. Only an answer in Meta's error shape (a numeric `code`)
 * passes Meta's code and words on; anything else (a proxy's page, a bare status) becomes
 * Parley's own message, so no upstream's status or text reaches a tenant.
 */
function readJson(status: number, text: string): unknown {
  const body = safeParse(text) as GraphErrorBody | null;
  if (status >= 200 && status < 300) return body;
  const error = body?.error;
  if (typeof error?.code !== 'number') throw new GraphError(CODE_UNRECOGNISED_ANSWER, reasonFor(CODE_UNRECOGNISED_ANSWER, ''));
  const data = error.error_data;
  const details = (typeof data === 'string' ? data : data?.details) ?? error.error_user_msg ?? null;
  throw new GraphError(error.code, bounded(error.message) ?? 'WhatsApp refused the request', bounded(details));
}

function bounded(text: unknown): string | null {
  return typeof text === 'string' && text !== '' ? text.slice(0, MAX_META_TEXT) : null;
}

function parseSendResponse(status: number, text: string): SendOutcome {
  const body = safeParse(text);
  if (status >= 200 && status < 300) {
    const ok = body as { messages?: { id?: string }[]; contacts?: { wa_id?: string }[] } | null;
    const wamid = ok?.messages?.[0]?.id;
    if (wamid) return { ok: true, wamid, waId: ok?.contacts?.[0]?.wa_id ?? null };
    return { ok: false, kind: 'ambiguous', message: 'accepted without a message id' };
  }
  const error = (body as GraphErrorBody | null)?.error;
  if (typeof error?.code !== 'number') {
    // A 5xx without Meta's error body may come from a proxy after Meta accepted the message.
    return { ok: false, kind: 'ambiguous', message: 'an answer without WhatsApp\'s error body' };
  }
  const message = bounded(error.message) ?? 'WhatsApp refused the message';
  return { ok: false, kind: 'rejected', code: error.code, message, reason: reasonFor(error.code, message), policy: policyFor(error.code) };
}

/** Worded by Parley with the error's code only: the transport's own text names addresses. */
function classifyTransportError(error: unknown): SendOutcome {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const named = /^[A-Z_]{1,40}$/.test(code) ? ` (${code})` : '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code) || error instanceof undiciErrors.ConnectTimeoutError) {
    return { ok: false, kind: 'unsent', message: `no connection${named}` };
  }
  return { ok: false, kind: 'ambiguous', message: `the connection ended without an answer${named}` };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

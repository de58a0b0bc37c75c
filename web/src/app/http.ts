import { isErrorBody, type ErrorCode, type FieldIssue } from '@parley/common';

/** Codes the browser adds to the server's: the request never got an answer it could read. */
export type ClientErrorCode = ErrorCode | 'NETWORK_FAILED' | 'BAD_RESPONSE';

/** Every failed request surfaces as this, whatever went wrong, so screens handle one shape. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly fields: FieldIssue[] = [],
    readonly retryAfterSeconds: number | null = null,
    /** The rest of the server's `details`, for codes that carry more (WINDOW_CLOSED's `windowExpiresAt`). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function isApiError(error: unknown, code?: ClientErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type Query = Record<string, string | number | undefined>;
type UnauthenticatedListener = () => void;

let unauthenticatedListener: UnauthenticatedListener | null = null;

/** Lets the session store react when a signed-in call finds the session gone (expired, revoked). */
export function onUnauthenticated(listener: UnauthenticatedListener): void {
  unauthenticatedListener = listener;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function retryAfter(response: Response, fromBody: number | undefined): number | null {
  if (typeof fromBody === 'number') return fromBody;
  const header = Number(response.headers.get('Retry-After'));
  return Number.isFinite(header) && header > 0 ? header : null;
}

async function toApiError(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (!isErrorBody(body)) {
    return new ApiError(response.status, 'BAD_RESPONSE', `Unexpected answer (HTTP ${response.status})`);
  }
  const { code, message, details } = body.error;
  return new ApiError(response.status, code, message, details?.fields ?? [], retryAfter(response, details?.retryAfterSeconds), details ?? {});
}

/** A file sent as it is (a CSV import), not as JSON. */
interface RawBody {
  file: Blob;
  type: string;
}

async function send(method: string, path: string, body?: unknown, query?: Query, raw?: RawBody): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = raw.type;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: raw ? raw.file : body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_FAILED', 'The server could not be reached');
  }
  if (!response.ok) {
    const error = await toApiError(response);
    // `/api/auth/*` answers 401 as part of its normal flow (wrong password, nobody signed in).
    if (error.code === 'UNAUTHENTICATED' && !path.startsWith('/api/auth/')) unauthenticatedListener?.();
    throw error;
  }
  return response;
}

async function json<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const response = await send(method, path, body, query);
  // Views are the contract types from @parley/common; the engine builds them, so they are trusted here.
  return response.json();
}

/**
 * A file sent as the raw body through XMLHttpRequest, the one browser API that reports how much
 * of a request body has gone out: `onProgress` gets the share sent, 0 to 1.
 */
function sendWithProgress<T>(path: string, file: Blob, type: string, query: Query | undefined, onProgress: (share: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', withQuery(path, query));
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Content-Type', type);
    request.withCredentials = true;
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, 'NETWORK_FAILED', 'The server could not be reached'));
    request.onload = () => {
      // The same checks as every fetch, on a Response built from what the request got.
      const response = new Response(request.responseText, { status: request.status, headers: { 'Content-Type': request.getResponseHeader('Content-Type') ?? '' } });
      if (response.ok) {
        resolve(response.json());
        return;
      }
      void toApiError(response).then((error) => {
        if (error.code === 'UNAUTHENTICATED') unauthenticatedListener?.();
        reject(error);
      });
    };
    request.send(file);
  });
}

export const http = {
  get: <T>(path: string, query?: Query) => json<T>('GET', path, undefined, query),
  post: <T>(path: string, body: unknown = {}) => json<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => json<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => json<T>('PUT', path, body),
  /** DELETE answers 204 without a body. */
  delete: async (path: string): Promise<void> => {
    await send('DELETE', path);
  },
  /** Uploads a file as the raw body, with the query naming it. */
  upload: async <T>(path: string, file: Blob, type: string, query?: Query): Promise<T> => (await send('POST', path, undefined, query, { file, type })).json(),
  /** The same, telling how much of the file has been sent. */
  uploadWithProgress: <T>(path: string, file: Blob, type: string, query: Query, onProgress: (share: number) => void) => sendWithProgress<T>(path, file, type, query, onProgress),
  /** For the calls that answer 202/204 without a body. */
  postNoContent: async (path: string, body: unknown = {}): Promise<void> => {
    await send('POST', path, body);
  },
};

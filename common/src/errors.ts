/**
 * The one error model of Parley: every error the API answers with has a stable code declared
 * here, an HTTP status, and a JSON body `{ error: { code, message, details } }`.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CREDENTIALS: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ACCOUNT_DEACTIVATED: 403,
  TENANT_SUSPENDED: 403,
  NO_TENANT_ACCESS: 403,
  /** A state-changing request or a socket from a page that is not Parley's (cross-site request forgery). */
  ORIGIN_REJECTED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  WINDOW_CLOSED: 409,
  /** A MARKETING template to a customer who has not agreed to marketing messages (or opted out). */
  NO_MARKETING_CONSENT: 409,
  INVITATION_INVALID: 410,
  RESET_TOKEN_INVALID: 410,
  /** A stored file lost part of its bytes: it cannot be served or sent until uploaded again. */
  MEDIA_INCOMPLETE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An uploaded file is built past what Parley reads (zip entries, XML nesting, columns, rows, cell length). */
  FILE_TOO_COMPLEX: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** WhatsApp (the Graph API) refused or failed a call that Parley made for the request. */
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  /** Dotted path of the field at fault, prefixed by where it was: `body.email`, `query.limit`. */
  field: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: { fields?: FieldIssue[]; retryAfterSeconds?: number; [key: string]: unknown };
  };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

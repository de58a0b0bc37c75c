import { ApiError, type ClientErrorCode } from './http';

/** What a person reads for each error code; the server's own message is for logs and developers. */
const MESSAGES: Partial<Record<ClientErrorCode, string>> = {
  INVALID_CREDENTIALS: 'Email or password is wrong.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  ACCOUNT_DEACTIVATED: 'Your account was deactivated in this workspace. Ask your administrator to reactivate it.',
  TENANT_SUSPENDED: 'This workspace is suspended. Contact your administrator or Parley support.',
  NO_TENANT_ACCESS: 'You are not a member of that workspace.',
  NOT_FOUND: 'This no longer exists. Refresh the page.',
  INVITATION_INVALID: 'This invitation link is no longer valid: it was used, revoked or has expired.',
  RESET_TOKEN_INVALID: 'This reset link is no longer valid. Ask for a new one.',
  VALIDATION_FAILED: 'Some fields need attention.',
  WINDOW_CLOSED: 'The customer last wrote more than 24 hours ago. WhatsApp only allows approved templates until they write again.',
  NO_MARKETING_CONSENT: 'This customer has not agreed to marketing messages, so a marketing template cannot be sent to them. Choose a utility template instead.',
  PAYLOAD_TOO_LARGE: 'That is too large to send.',
  INTERNAL: 'Something went wrong on our side. Try again in a moment.',
  BAD_GATEWAY: 'WhatsApp did not take it. Nothing was changed; try again in a moment.',
  UNAVAILABLE: 'Parley is briefly unavailable. Try again in a moment.',
  NETWORK_FAILED: 'Parley cannot be reached. Check your connection and try again.',
  BAD_RESPONSE: 'Parley answered in a way this page does not understand. Reload and try again.',
};

export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Reload the page and try again.';
  if (error.code === 'RATE_LIMITED') {
    const seconds = error.retryAfterSeconds;
    if (seconds === null) return 'Too many attempts, try again in a moment.';
    return seconds < 120 ? `Too many attempts, try again in ${seconds} s.` : `Too many attempts, try again in ${Math.ceil(seconds / 60)} min.`;
  }
  // A conflict is specific to what was attempted ("already invited"), so the server says it best.
  if (error.code === 'CONFLICT') return error.message;
  return MESSAGES[error.code] ?? error.message;
}

const VERB_FIRST = /^(must|is|are|may|should|cannot|can't)\b/;

/** Turns a schema message into a sentence: "must be a valid email address" → "Email must be …". */
export function phraseIssue(label: string, message: string): string {
  if (VERB_FIRST.test(message)) return `${label} ${message}.`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

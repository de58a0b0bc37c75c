/**
 * Graph API errors in the §2.5 shape. Clients are told to branch on `code` only, so the titles
 * below are Meta's wording where it is known and a faithful paraphrase otherwise.
 */
export const ERROR_TITLES: Record<number, string> = {
  0: 'AuthException',
  2: 'Service temporarily unavailable',
  4: 'Application request limit reached',
  10: 'Application does not have permission for this action',
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  368: 'Temporarily blocked for policies violations',
  2500: 'Unknown path components',
  130429: 'Rate limit hit',
  130472: "User's number is part of an experiment",
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131021: 'Recipient cannot be sender',
  131026: 'Message undeliverable',
  131031: 'Account has been locked',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  131051: 'Message type unknown',
  131052: 'Media download error',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131057: 'Account in maintenance mode',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132005: 'Translated text too long',
  132007: 'Template Format Character Policy Violated',
  132008: 'Template Parameter Format Mismatch',
  132012: 'Template Parameter Format Mismatch',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
  132018: 'There was an issue with the parameters in your template.',
  135000: 'Generic user error',
};

/** Details used when a failure is reported without a more specific explanation. */
export const DEFAULT_DETAILS: Record<number, string> = {
  130429: 'Cloud API message throughput has been reached.',
  131026: 'Message failed to send because the recipient is not reachable on WhatsApp.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131048: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  131049: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  131050: 'The recipient has chosen to stop receiving marketing messages from this business.',
  131056: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  131057: 'Business account is in maintenance mode: the throughput upgrade is in progress.',
  131000: 'Message failed to send due to an unknown error.',
};

/** HTTP statuses as in Meta's table (§2.5); 132001 is a 404 (§7.2). */
export function httpStatusFor(code: number): number {
  if (code === 0 || code === 190) return 401;
  if (code === 10 || code === 368 || (code >= 200 && code <= 299)) return 403;
  if (code === 130429) return 429;
  if (code === 132001) return 404;
  if (code === 131000 || code === 1) return 500;
  if (code === 2 || code === 131016) return 503;
  return 400;
}

/** Only 131056 is commonly seen with a subcode; it is deprecated but still emitted. */
const SUBCODES: Record<number, number> = { 131056: 2494055 };

export class GraphError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly code: number,
    readonly details: string,
    readonly subcode?: number,
  ) {
    super(`(#${code}) ${ERROR_TITLES[code] ?? 'Error'}`);
    this.httpStatus = httpStatusFor(code);
  }

  toBody(fbtraceId: string): { error: Record<string, unknown> } {
    const subcode = this.subcode ?? SUBCODES[this.code];
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        error_data: { messaging_product: 'whatsapp', details: this.details },
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        fbtrace_id: fbtraceId,
      },
    };
  }
}

/** The `errors[]` item of a failed status or an inbound message (§1.5). */
export function webhookError(code: number, details?: string): Record<string, unknown> {
  const title = ERROR_TITLES[code] ?? 'Error';
  return {
    code,
    title,
    message: title,
    error_data: { details: details ?? DEFAULT_DETAILS[code] ?? title },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}

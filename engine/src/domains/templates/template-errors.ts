import { AppError } from '../../platform/errors/app-error.js';
import { GraphError } from '../../platform/whatsapp/graph-client.js';
import { CODE_REFUSED_ADDRESS, CODE_UNRECOGNISED_ANSWER } from '../../platform/whatsapp/error-policy.js';

const AUTH_CODES = new Set([0, 190, 3, 10]);
const RATE_CODES = new Set([4, 80007, 130429]);

/**
 * Turns what the template API answered into an error a person can act on. Meta's own words
 * (`error_data.details`) say what was wrong with the template, so they are passed on.
 */
export function templateGraphError(error: unknown, doing: string): AppError {
  if (!(error instanceof GraphError)) {
    return new AppError('UNAVAILABLE', `WhatsApp could not be reached to ${doing}; nothing was changed. Try again in a moment.`);
  }
  // Parley's own codes: the message is Parley's, and nothing of an upstream's answer is in it.
  if (error.code === CODE_REFUSED_ADDRESS) return new AppError('CONFLICT', `${error.message} Nothing was changed.`);
  if (error.code === CODE_UNRECOGNISED_ANSWER) return new AppError('BAD_GATEWAY', `WhatsApp could not ${doing}: ${error.message}`);
  const said = error.details ?? error.message;
  if (AUTH_CODES.has(error.code) || (error.code >= 200 && error.code <= 299)) {
    return new AppError('CONFLICT', `WhatsApp refused this number's access token (${said}). Reconnect the number under WhatsApp numbers.`);
  }
  if (RATE_CODES.has(error.code)) {
    return new AppError('RATE_LIMITED', `WhatsApp limits how often templates can be changed (${said}). Try again later.`, { retryAfterSeconds: 60 });
  }
  return new AppError('VALIDATION_FAILED', `WhatsApp refused to ${doing}: ${said}`, { fields: [{ field: 'body', message: said }], graphCode: error.code });
}

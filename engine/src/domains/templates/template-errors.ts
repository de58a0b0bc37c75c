import { AppError } from '../../platform/errors/app-error.js';
import { GraphError } from '../../platform/whatsapp/graph-client.js';

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
  const said = error.details ?? error.message;
  if (AUTH_CODES.has(error.code) || (error.code >= 200 && error.code <= 299)) {
    return new AppError('CONFLICT', `WhatsApp refused this number's access token (${said}). Reconnect the number under WhatsApp numbers.`);
  }
  if (RATE_CODES.has(error.code)) {
    return new AppError('RATE_LIMITED', `WhatsApp limits how often templates can be changed (${said}). Try again later.`, { retryAfterSeconds: 60 });
  }
  return new AppError('VALIDATION_FAILED', `WhatsApp refused to ${doing}: ${said}`, { fields: [{ field: 'body', message: said }], graphCode: error.code });
}

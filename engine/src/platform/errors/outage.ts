/**
 * Errors that say a dependency (Redis, the database) cannot be reached right now, as opposed to
 * a bug or a refused operation: the request may succeed if tried again once it is back, so the
 * HTTP layer answers 503 UNAVAILABLE (and a webhook 503, which Meta retries) rather than 500.
 * Told by class name, so that neither driver has to be imported here.
 */
const OUTAGE_ERROR_NAMES = new Set([
  // ioredis: a command outlived its reconnection attempts, or the client gave up.
  'MaxRetriesPerRequestError',
  // MongoDB driver and mongoose.
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoPoolClearedError',
]);

const OUTAGE_MESSAGES = [
  // ioredis, with the offline queue disabled or once a connection ended.
  "Stream isn't writeable",
  'Connection is closed',
  // mongoose holds operations while disconnected, then gives up with these.
  'buffering timed out',
];

const OUTAGE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** The driver's bulk write names the socket's failure only in its message (`connect ECONNREFUSED ...`). */
const OUTAGE_SYSTEM_CODE_IN_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)\b/;

export function isOutageError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  if (OUTAGE_ERROR_NAMES.has(error.name)) return true;
  if (OUTAGE_MESSAGES.some((text) => error.message.includes(text)) || OUTAGE_SYSTEM_CODE_IN_MESSAGE.test(error.message)) return true;
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && OUTAGE_SYSTEM_CODES.has(code)) return true;
  // Libraries wrap the driver's error (a rate limiter, a batch writer's caller).
  return isOutageError(error.cause, depth + 1);
}

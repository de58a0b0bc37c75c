import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, stdSerializers, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };

const MASK = '[redacted]';

/**
 * Log lines travel to places with wider access than the database (log shippers, support
 * screens), so nothing that signs someone in may reach them: session cookies in and out,
 * credentials in bodies, and the single-use tokens that invitation and reset links carry.
 */
const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'engine', pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: MASK } };
  return destination ? pino(options, destination) : pino(options);
}

/** Path segments that follow these carry a link's secret token. */
const TOKEN_AFTER = ['invite', 'reset-password'];
const TOKEN_AFTER_PAIR = [['public', 'invitations']];
/** Query parameters whose values are secrets (webhook verify tokens, signatures, codes). */
const SECRET_QUERY = /token|secret|signature|code|key|password/i;

/** A URL as it may be logged: token path segments and secret query values masked. */
export function maskUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  const masked = segments.map((segment, i) => {
    const previous = segments[i - 1] ?? '';
    const pairs = TOKEN_AFTER_PAIR.some(([first, second]) => segments[i - 2] === first && previous === second);
    return segment && (TOKEN_AFTER.includes(previous) || pairs) ? MASK : segment;
  });
  if (queryAt === -1) return masked.join('/');
  const query = new URLSearchParams(url.slice(queryAt + 1));
  for (const name of [...query.keys()]) if (SECRET_QUERY.test(name)) query.set(name, MASK);
  return `${masked.join('/')}?${query.toString()}`;
}

function maskRecord(record: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!record) return record;
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, SECRET_QUERY.test(name) ? MASK : value]));
}

type SerializedRequest = ReturnType<typeof stdSerializers.req>;

/**
 * The request serializer for pino-http, which hands it the standard serialized shape: the same
 * with its URL, query and params masked (copies: the query object is the live request's).
 */
export const httpLogSerializers = {
  req: (req: SerializedRequest) => ({ ...req, url: maskUrl(req.url), query: maskRecord(req.query), params: maskRecord(req.params) }),
};

/**
 * The level of a request's line. WhatsApp posts a webhook for every message and every status, so
 * a busy number would fill the log with them: an answered webhook is logged at debug, one that
 * failed (5xx) at info like every other request.
 */
export function httpLogLevel(req: IncomingMessage, res: ServerResponse, error?: Error): LevelWithSilent {
  const webhook = (req.url ?? '').startsWith('/webhooks/');
  return webhook && !error && res.statusCode < 500 ? 'debug' : 'info';
}

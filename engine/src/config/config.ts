import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseAllowedOrigin, type AllowedOrigin } from '../platform/whatsapp/graph-url.js';

const MB = 1024 * 1024;

const booleanish = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().default('http://localhost:8080'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  /**
   * Connections to the database per engine process. FerretDB's SQLite backend deadlocks when one
   * database's 100 connections are all busy while it creates a collection or an index, so a
   * process stays well below that; MongoDB in production may take more.
   */
  MONGODB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  /** Prefix of every database name: `<prefix>_platform`, `<prefix>_t_<tenantId>`. */
  DB_PREFIX: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'lowercase letters, digits and _').default('parley'),
  /** Base64 of 32 random bytes; encrypts WhatsApp tokens and app secrets at rest (AES-256-GCM). */
  ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be base64 of exactly 32 bytes')
    .optional(),
  /** A session unused this long ends (idle lifetime); each request or socket event restarts it. */
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /**
   * A session ends this long after sign-in however much it is used (absolute lifetime), so a
   * stolen cookie kept busy does not work for ever. 12 hours: one working day, and what the
   * cookie's own expiry gave before it was enforced here.
   */
  SESSION_ABSOLUTE_TTL_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(12 * 3600),
  /** How often each engine process closes the sockets whose session has ended (expired or revoked). */
  SOCKET_SESSION_SWEEP_SECONDS: z.coerce.number().min(1).default(60),
  /**
   * Origins besides PUBLIC_URL's (and the host a request was sent to) whose pages may call the
   * API with a state-changing method or open a socket, comma-separated: `https://app.example.com`.
   */
  ALLOWED_ORIGINS: z.string().optional(),
  COOKIE_SECURE: booleanish.optional(),
  /**
   * Which proxies may name the client's address in X-Forwarded-For. Unset (the default) trusts
   * none: the client is the TCP peer. A number is how many proxies stand in front (nginx alone:
   * `1`); otherwise a comma-separated list of proxy addresses or CIDRs, or `loopback`,
   * `linklocal`, `uniquelocal`. `true` is refused: believing any forwarded address would let a
   * client escape the per-IP sign-in limits and write any address into the audit logs.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .refine(isTrustProxySetting, 'a number of proxies (e.g. 1) or a comma-separated list of proxy addresses/CIDRs; `true` would trust any client')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_BLOCK_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  /**
   * Password checks of any outcome (sign-in, accepting an invitation) per minute, per IP (default
   * 60) and per account (default 10), counted in Redis before the hash runs. Tests sign in from one
   * address hundreds of times a minute, so under NODE_ENV=test the defaults are 10,000.
   */
  LOGIN_ATTEMPTS_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).optional(),
  LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT: z.coerce.number().int().min(1).optional(),
  /** Password-reset requests per hour per IP, and per email whether or not it has an account. */
  PASSWORD_RESETS_PER_HOUR_PER_IP: z.coerce.number().int().min(1).default(20),
  PASSWORD_RESETS_PER_HOUR_PER_EMAIL: z.coerce.number().int().min(1).default(3),
  /**
   * Password hashes one engine process runs at once (each holds 128 MiB at the production cost)
   * and how many more may wait for a slot; beyond that a sign-in answers 503 with Retry-After.
   */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().default('Parley <no-reply@parley.local>'),
  WEB_DIST: z.string().default('web/dist'),
  ADMIN_DIST: z.string().default('admin/dist'),
  /** Recipients claimed and sent per dispatch batch. */
  CAMPAIGN_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  /**
   * How long a claimed send with no answer and no status webhook waits before it is taken as
   * never accepted and sent again (see the Campaigns section of the README for the trade-off).
   */
  CAMPAIGN_AMBIGUOUS_GRACE_SECONDS: z.coerce.number().min(1).default(600),
  /** A campaign pauses itself when more than this share of its last sends failed... */
  CAMPAIGN_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.25),
  /** ...over this many sends (and only once that many were made). */
  CAMPAIGN_ERROR_WINDOW: z.coerce.number().int().min(1).default(200),
  /** An inbound message this long after a campaign message counts as a reply to it. */
  CAMPAIGN_REPLY_WINDOW_HOURS: z.coerce.number().min(0).default(72),
  /** First delay after 131049 (per-user marketing cap); it doubles with each attempt. */
  CAMPAIGN_RETRY_DELAY_SECONDS: z.coerce.number().min(0).default(6 * 3600),
  /** Attempts per recipient before a retryable failure becomes final. */
  CAMPAIGN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(4),
  /** A campaign completes once its last messages were `sent` this long ago (a late `failed` may still ask for a retry). */
  CAMPAIGN_SETTLE_SECONDS: z.coerce.number().min(0).default(30),
  /** How often running campaigns get their dispatch job armed again (after a crash left it locked). */
  CAMPAIGN_REARM_SECONDS: z.coerce.number().min(1).default(30),
  /** Campaign test sends per hour by one person, and by everyone of a tenant together. */
  CAMPAIGN_TEST_SENDS_PER_HOUR_PER_USER: z.coerce.number().int().min(1).default(20),
  CAMPAIGN_TEST_SENDS_PER_HOUR_PER_TENANT: z.coerce.number().int().min(1).default(100),
  /** How often the scheduler looks for due jobs. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** The rate card (JSON, see engine/src/domains/campaigns/rate-card.ts); the default card is in code. */
  CAMPAIGN_RATE_CARD: z.string().optional(),
  /**
   * A customer asked to rate a resolved conversation who has not answered after this long is not
   * asked any more: the periodic sweep closes the conversation. A day by default, as long as the
   * reply window the request was sent in.
   */
  REVIEW_TIMEOUT_SECONDS: z.coerce.number().min(1).default(24 * 3600),
  /** A running contact import whose engine has not reported for this long is marked failed (its engine went down). */
  CONTACT_IMPORT_STALL_SECONDS: z.coerce.number().min(1).default(120),
  /** A contact file (CSV or .xlsx) as uploaded; 20 MB of CSV already holds several hundred thousand contacts. */
  CONTACT_IMPORT_MAX_MB: z.coerce.number().min(1).max(1024).default(20),
  /** Columns of a contact file (header or any row): a mapping names at most 57 of them. */
  CONTACT_IMPORT_MAX_COLUMNS: z.coerce.number().int().min(1).max(16_384).default(200),
  /** Rows of a contact file, the header aside. */
  CONTACT_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(1_000_000),
  /** Characters in one cell of a contact file: Excel's own limit, so nothing made in Excel is refused. */
  CONTACT_IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(1).default(32_767),
  /**
   * Bytes every entry of an .xlsx (a zip) really inflates to, counted while inflating: the sizes
   * the zip declares are the sender's word and are not trusted.
   */
  XLSX_MAX_UNPACKED_MB: z.coerce.number().min(1).max(4096).default(200),
  /** Entries of an .xlsx zip (Excel writes a dozen or so, plus one per sheet and picture). */
  XLSX_MAX_ENTRIES: z.coerce.number().int().min(8).max(65_535).default(500),
  /** Bytes of any one part held whole in memory while reading (shared strings, styles, the workbook, relationships). */
  XLSX_MAX_PART_MB: z.coerce.number().min(1).max(1024).default(50),
  /** Stored webhook items (and their lookups) are deleted this many days after they arrived. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().min(1).default(7),
  /**
   * How often the crash-recovery sweep runs (stored webhook items left unprocessed by a crash or an
   * outage, undone effects, stalled imports). Default 15; 0 turns it off, the default under
   * NODE_ENV=test, where tests call the sweep themselves.
   */
  SWEEP_SECONDS: z.coerce.number().min(0).optional(),
  /** The event-loop watchdog logs the work that held the loop at least this long. */
  EVENT_LOOP_STALL_MS: z.coerce.number().int().min(10).default(200),
  /**
   * Processing of one stored webhook item (the bot's decision, the conversation, its reply) is given
   * up after this long and counts as a failed attempt; after 3 attempts that never finished (an
   * error, this limit, or a crash of the process) the item is parked as a dead letter.
   */
  WEBHOOK_ITEM_TIMEOUT_SECONDS: z.coerce.number().min(0.05).max(600).default(30),
  /** The sweep takes up a stored webhook item still unprocessed this long after it arrived (a crash, an error). */
  WEBHOOK_RETRY_AFTER_SECONDS: z.coerce.number().min(0).default(30),
  /**
   * Test-only fault, read only when NODE_ENV=test: an inbound text holding this marker kills the
   * engine process (SIGKILL) while it is processed (the poison-message test). Ignored in any other mode.
   */
  TEST_WEBHOOK_ABORT_MARKER: z.string().min(8).optional(),
  /**
   * Origins a channel's Graph base URL may name, comma-separated (`scheme://host`, `:port` or `:*`
   * for any port). Default: https://graph.facebook.com; outside production also the simulator on
   * this machine (http://127.0.0.1:* and http://localhost:*).
   */
  GRAPH_BASE_URL_ALLOWLIST: z.string().optional(),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicUrl: string;
  mongodbUri: string;
  mongodbPoolSize: number;
  redisUrl: string;
  dbPrefix: string;
  encryptionKey: Buffer;
  sessionTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  socketSessionSweepMs: number;
  /** Origins (`scheme://host[:port]`) trusted to send state-changing requests and open sockets. */
  allowedOrigins: string[];
  cookieSecure: boolean;
  /** What Express's `trust proxy` gets: a hop count, or the trusted proxies' addresses. */
  trustProxy: number | string[];
  logLevel: string;
  invitationTtlMs: number;
  resetTtlMs: number;
  loginLimits: {
    perAccount: number;
    perIp: number;
    blockSeconds: number;
    attemptsPerMinute: { ip: number; account: number };
    resetsPerHour: { ip: number; email: number };
  };
  passwordHashing: { concurrent: number; waiting: number };
  smtp: { url: string | null; from: string };
  webDist: string;
  adminDist: string;
  campaigns: {
    batchSize: number;
    ambiguousGraceMs: number;
    errorRate: number;
    errorWindow: number;
    replyWindowMs: number;
    retryDelayMs: number;
    maxAttempts: number;
    rateCardJson: string | null;
    rearmEveryMs: number;
    settleMs: number;
    testSends: { perUserPerHour: number; perTenantPerHour: number };
  };
  jobsPollMs: number;
  reviewTimeoutMs: number;
  contactImportStallMs: number;
  contactImportLimits: {
    maxBytes: number;
    maxColumns: number;
    maxRows: number;
    maxCellChars: number;
    xlsx: { maxUnpackedBytes: number; maxEntries: number; maxPartBytes: number };
  };
  webhookRetentionMs: number;
  sweepEveryMs: number;
  eventLoopStallMs: number;
  webhookItemTimeoutMs: number;
  webhookRetryAfterMs: number;
  /** Set only under NODE_ENV=test (see TEST_WEBHOOK_ABORT_MARKER). */
  testWebhookAbortMarker: string | null;
  /** Where channels may send their Graph API calls (see GRAPH_BASE_URL_ALLOWLIST). */
  graphAllowedOrigins: AllowedOrigin[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once, at boot, and lists every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const allowedOrigins = pageOrigins(e.PUBLIC_URL, e.ALLOWED_ORIGINS);
  if ('problem' in allowedOrigins) throw new ConfigError([`ALLOWED_ORIGINS: ${allowedOrigins.problem}`]);
  const graphAllowedOrigins = graphOrigins(e.GRAPH_BASE_URL_ALLOWLIST, e.NODE_ENV);
  if ('problem' in graphAllowedOrigins) throw new ConfigError([`GRAPH_BASE_URL_ALLOWLIST: ${graphAllowedOrigins.problem}`]);
  if (e.NODE_ENV === 'production' && !e.ENCRYPTION_KEY) {
    throw new ConfigError(['ENCRYPTION_KEY: is required in production (base64 of 32 random bytes)']);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    mongodbUri: e.MONGODB_URI,
    mongodbPoolSize: e.MONGODB_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    dbPrefix: e.DB_PREFIX,
    // Outside production a missing key gets a random one: secrets stored in that run cannot be
    // read after a restart, which is the safe failure for a development machine.
    encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'base64') : randomBytes(32),
    sessionTtlSeconds: e.SESSION_TTL_HOURS * 3600,
    sessionAbsoluteTtlSeconds: e.SESSION_ABSOLUTE_TTL_SECONDS,
    socketSessionSweepMs: e.SOCKET_SESSION_SWEEP_SECONDS * 1000,
    allowedOrigins: allowedOrigins.origins,
    cookieSecure: e.COOKIE_SECURE ?? e.PUBLIC_URL.startsWith('https://'),
    trustProxy: toTrustProxy(e.TRUST_PROXY),
    logLevel: e.NODE_ENV === 'test' && !env.LOG_LEVEL ? 'silent' : e.LOG_LEVEL,
    invitationTtlMs: e.INVITATION_TTL_HOURS * 3600_000,
    resetTtlMs: e.RESET_TTL_MINUTES * 60_000,
    loginLimits: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: e.LOGIN_MAX_FAILURES_PER_IP,
      blockSeconds: e.LOGIN_BLOCK_SECONDS,
      attemptsPerMinute: {
        ip: e.LOGIN_ATTEMPTS_PER_MINUTE_PER_IP ?? (e.NODE_ENV === 'test' ? 10_000 : 60),
        account: e.LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT ?? (e.NODE_ENV === 'test' ? 10_000 : 10),
      },
      resetsPerHour: { ip: e.PASSWORD_RESETS_PER_HOUR_PER_IP, email: e.PASSWORD_RESETS_PER_HOUR_PER_EMAIL },
    },
    passwordHashing: { concurrent: e.PASSWORD_HASH_CONCURRENCY, waiting: e.PASSWORD_HASH_QUEUE },
    smtp: { url: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    webDist: e.WEB_DIST,
    adminDist: e.ADMIN_DIST,
    campaigns: {
      batchSize: e.CAMPAIGN_BATCH_SIZE,
      ambiguousGraceMs: e.CAMPAIGN_AMBIGUOUS_GRACE_SECONDS * 1000,
      errorRate: e.CAMPAIGN_ERROR_RATE,
      errorWindow: e.CAMPAIGN_ERROR_WINDOW,
      replyWindowMs: e.CAMPAIGN_REPLY_WINDOW_HOURS * 3600_000,
      retryDelayMs: e.CAMPAIGN_RETRY_DELAY_SECONDS * 1000,
      maxAttempts: e.CAMPAIGN_MAX_ATTEMPTS,
      rateCardJson: e.CAMPAIGN_RATE_CARD ?? null,
      rearmEveryMs: e.CAMPAIGN_REARM_SECONDS * 1000,
      settleMs: e.CAMPAIGN_SETTLE_SECONDS * 1000,
      testSends: { perUserPerHour: e.CAMPAIGN_TEST_SENDS_PER_HOUR_PER_USER, perTenantPerHour: e.CAMPAIGN_TEST_SENDS_PER_HOUR_PER_TENANT },
    },
    jobsPollMs: e.JOBS_POLL_MS,
    reviewTimeoutMs: e.REVIEW_TIMEOUT_SECONDS * 1000,
    contactImportStallMs: e.CONTACT_IMPORT_STALL_SECONDS * 1000,
    contactImportLimits: {
      maxBytes: Math.round(e.CONTACT_IMPORT_MAX_MB * MB),
      maxColumns: e.CONTACT_IMPORT_MAX_COLUMNS,
      maxRows: e.CONTACT_IMPORT_MAX_ROWS,
      maxCellChars: e.CONTACT_IMPORT_MAX_CELL_CHARS,
      xlsx: { maxUnpackedBytes: Math.round(e.XLSX_MAX_UNPACKED_MB * MB), maxEntries: e.XLSX_MAX_ENTRIES, maxPartBytes: Math.round(e.XLSX_MAX_PART_MB * MB) },
    },
    webhookRetentionMs: e.WEBHOOK_RETENTION_DAYS * 86_400_000,
    sweepEveryMs: (e.SWEEP_SECONDS ?? (e.NODE_ENV === 'test' ? 0 : 15)) * 1000,
    eventLoopStallMs: e.EVENT_LOOP_STALL_MS,
    webhookItemTimeoutMs: e.WEBHOOK_ITEM_TIMEOUT_SECONDS * 1000,
    webhookRetryAfterMs: e.WEBHOOK_RETRY_AFTER_SECONDS * 1000,
    testWebhookAbortMarker: e.NODE_ENV === 'test' ? (e.TEST_WEBHOOK_ABORT_MARKER ?? null) : null,
    graphAllowedOrigins: graphAllowedOrigins.origins,
  };
}

const META_GRAPH_ORIGIN = 'https://graph.facebook.com';
/** The simulator runs on this machine in development, tests and benchmarks, on any port. */
const LOCAL_SIMULATOR_ORIGINS = ['http://127.0.0.1:*', 'http://localhost:*'];

function graphOrigins(list: string | undefined, env: Config['env']): { origins: AllowedOrigin[] } | { problem: string } {
  const entries = list?.trim() ? list.split(',').map((entry) => entry.trim()).filter(Boolean) : [META_GRAPH_ORIGIN, ...(env === 'production' ? [] : LOCAL_SIMULATOR_ORIGINS)];
  const origins: AllowedOrigin[] = [];
  for (const entry of entries) {
    const origin = parseAllowedOrigin(entry);
    if (!origin) return { problem: `"${entry}" is not an origin like https://graph.facebook.com or http://127.0.0.1:*` };
    origins.push(origin);
  }
  return { origins };
}

/** PUBLIC_URL's origin first, then ALLOWED_ORIGINS, each normalised as a browser sends it in `Origin`. */
function pageOrigins(publicUrl: string, list: string | undefined): { origins: string[] } | { problem: string } {
  const origins = [new URL(publicUrl).origin];
  for (const entry of (list ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const origin = URL.canParse(entry) ? new URL(entry).origin : 'null';
    if (origin === 'null') return { problem: `"${entry}" is not an origin like https://app.example.com` };
    origins.push(origin);
  }
  return { origins };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustProxySetting(value: string): boolean {
  if (value === '' || value === 'false' || /^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((entry) => {
    const item = entry.trim();
    if (PROXY_NAMES.has(item)) return true;
    const [address = '', prefix, ...rest] = item.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
}

function toTrustProxy(value: string | undefined): number | string[] {
  if (value === undefined || value === '' || value === 'false') return 0;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}

/**
 * Which addresses the Graph client may call with a channel's bearer token. A tenant admin types a
 * channel's Graph base URL; without this fence they could point the engine (and the token it
 * sends) at any host it can reach, internal services included, and read back what they answered.
 *
 * An allowed origin is written `scheme://host` or `scheme://host:port`, or `scheme://host:*` for
 * any port (the simulator listens on a random port in tests). Hosts compare exactly: no
 * wildcard hosts, no suffix matching, so `graph.facebook.com.evil.test` is not Meta.
 */
export interface AllowedOrigin {
  protocol: 'http:' | 'https:';
  hostname: string;
  /** `''` for the scheme's default port, `'*'` for any. */
  port: string;
}

const MAX_URL_LENGTH = 200;
/** Path segments of a Graph base (`/v24.0`): nothing that a URL parser would rewrite or decode. */
const SAFE_PATH = /^(\/[A-Za-z0-9._~-]+)*$/;

/** Parses one allow-list entry; null when it is not an origin pattern. */
export function parseAllowedOrigin(entry: string): AllowedOrigin | null {
  const match = /^(https?):\/\/([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}|\*))?$/.exec(entry.trim());
  if (!match) return null;
  const [, scheme, host, port] = match;
  if (!scheme || !host) return null;
  const parsed = safeUrl(`${scheme}://${host}${port && port !== '*' ? `:${port}` : ''}`);
  if (!parsed || parsed.hostname !== host.toLowerCase()) return null;
  return { protocol: scheme === 'https' ? 'https:' : 'http:', hostname: parsed.hostname, port: port === '*' ? '*' : parsed.port };
}

export class GraphUrlPolicy {
  constructor(private readonly allowed: readonly AllowedOrigin[]) {}

  /** The allow-list written as configured, for messages. */
  describe(): string {
    return this.allowed.map((o) => `${o.protocol}//${o.hostname}${o.port === '' ? '' : `:${o.port}`}`).join(', ');
  }

  /**
   * Why a channel's Graph base URL is refused, or null when it is allowed. The URL must be written
   * in the form a URL parser gives it back (no userinfo, no decimal or hex IPs, no `..`, no
   * percent-escapes, no query or fragment): what is checked is then exactly what is called.
   */
  problemWithBase(input: string): string | null {
    if (input.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
    const url = safeUrl(input);
    if (!url) return 'is not a URL';
    if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
    if (url.search !== '' || url.hash !== '' || input.includes('?') || input.includes('#')) return 'must not carry a query or fragment';
    if (!SAFE_PATH.test(url.pathname === '/' ? '' : url.pathname)) return 'has a path with characters that are not allowed';
    const canonical = url.href.replace(/\/$/, '');
    if (canonical !== input) return `must be written plainly, as ${canonical}`;
    if (!this.allows(url)) return `is not an allowed WhatsApp API address (allowed: ${this.describe()})`;
    return null;
  }

  /** Whether a full request URL (a base plus a path and query) goes to an allowed origin. */
  allowsRequest(input: string): boolean {
    const url = safeUrl(input);
    return url !== null && url.username === '' && url.password === '' && this.allows(url);
  }

  private allows(url: URL): boolean {
    return this.allowed.some((o) => o.protocol === url.protocol && o.hostname === url.hostname && (o.port === '*' || o.port === url.port));
  }
}

function safeUrl(input: string): URL | null {
  try {
    return new URL(input);
  } catch {
    return null;
  }
}

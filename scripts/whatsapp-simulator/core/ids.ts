import { createHash } from 'node:crypto';
import type { Prng } from './prng.js';

const HEX_UPPER = '0123456789ABCDEF';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Generates ids that look like Meta's, from a seeded stream so runs are reproducible. */
export class IdFactory {
  private readonly issued = new Set<string>();

  constructor(private readonly prng: Prng) {}

  /**
   * A wamid is base64 of a small protobuf-like record: the user's number, a direction marker and a
   * hex message key. Inbound ids carry a 20-char key, outbound ones 18 chars, as Meta's do.
   */
  wamid(userRef: string, direction: 'in' | 'out'): string {
    const keyLength = direction === 'in' ? 20 : 18;
    const user = Buffer.from(userRef.slice(0, 60), 'ascii');
    const key = Buffer.from(this.prng.chars(keyLength, HEX_UPPER), 'ascii');
    const bytes = Buffer.concat([
      Buffer.from([0x1c, 0x18, user.length]),
      user,
      Buffer.from([0x15, 0x02, 0x00, direction === 'in' ? 0x12 : 0x11, 0x18, key.length]),
      key,
      Buffer.from([0x00]),
    ]);
    // 72 to 80 random bits per key: collisions are not worth remembering every id issued.
    return `wamid.${bytes.toString('base64')}`;
  }

  /**
   * Graph object ids are numeric strings. The first digit stays below 9 so that a 16-digit id is
   * still a safe JavaScript integer: template webhooks carry `message_template_id` as a number.
   */
  numeric(length = 16): string {
    for (;;) {
      const id = String(this.prng.int(1, 8)) + this.prng.chars(length - 1, '0123456789');
      if (this.claim(id)) return id;
    }
  }

  /** A Resumable Upload session (`upload:<id>`); Meta's are base64 of an internal record. */
  uploadSession(): string {
    return `upload:${this.prng.chars(40, ALNUM)}`;
  }

  /** The handle a finished upload answers with (`h`), as template examples quote it. */
  uploadHandle(fileType: string): string {
    return `4::${Buffer.from(fileType).toString('base64')}:${this.prng.chars(48, ALNUM)}`;
  }

  fbtrace(): string {
    return this.prng.chars(11, ALNUM);
  }

  conversationId(): string {
    return this.prng.chars(32, '0123456789abcdef');
  }

  clear(): void {
    this.issued.clear();
  }

  private claim(id: string): boolean {
    if (this.issued.has(id)) return false;
    this.issued.add(id);
    return true;
  }
}

/**
 * Business-scoped user id: ISO country, a dot, then digits. It is stable for a (portfolio, user)
 * pair, which is what lets a client key contacts by `user_id ?? wa_id`.
 */
export function businessScopedUserId(country: string, portfolioId: string, userKey: string): string {
  const hash = createHash('sha256').update(`${portfolioId}|${userKey}`).digest();
  const digits = (hash.readBigUInt64BE(0) % 10n ** 19n).toString().padStart(19, '0');
  return `${country}.1${digits}`;
}

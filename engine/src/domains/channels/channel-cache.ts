import type { OpenChannel } from './channels.service.js';

/**
 * A map that forgets its least recently used entry past `capacity`, and any entry older than
 * `ttlMs`. Map keeps insertion order, so re-inserting on read makes an entry the most recent.
 */
class BoundedTtlMap<V> {
  private readonly map = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    if (Date.now() - entry.at >= this.ttlMs) return undefined;
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, at: Date.now() });
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

export interface ChannelCacheLimits {
  /** Connected numbers kept opened (their secrets decrypted); past it, the least used is read again. */
  known: number;
  /** Ids looked up and found not connected: kept apart, so made-up ids never push out real ones. */
  unknown: number;
  /** WABA ids resolved to a number (or to none). */
  wabas: number;
  ttlMs: number;
}

export const DEFAULT_CHANNEL_CACHE_LIMITS: ChannelCacheLimits = { known: 10_000, unknown: 1_000, wabas: 1_000, ttlMs: 30_000 };

/**
 * The webhook intake's lookups from a phone number id (or WABA id) to its channel. Webhooks are
 * looked up before their signature can be checked (the secret is the channel's), so anyone can
 * make the engine look up any id: every part of this cache is bounded, and answers for ids that
 * are not connected live in a part of their own.
 */
export class ChannelCache {
  private readonly known: BoundedTtlMap<OpenChannel>;
  private readonly unknown: BoundedTtlMap<true>;
  private readonly wabas: BoundedTtlMap<string | null>;

  constructor(readonly limits: ChannelCacheLimits = DEFAULT_CHANNEL_CACHE_LIMITS) {
    this.known = new BoundedTtlMap(limits.known, limits.ttlMs);
    this.unknown = new BoundedTtlMap(limits.unknown, limits.ttlMs);
    this.wabas = new BoundedTtlMap(limits.wabas, limits.ttlMs);
  }

  /** The channel, `null` when known not to be connected, `undefined` when it must be read. */
  get(phoneNumberId: string): OpenChannel | null | undefined {
    const channel = this.known.get(phoneNumberId);
    if (channel) return channel;
    return this.unknown.get(phoneNumberId) ? null : undefined;
  }

  set(phoneNumberId: string, channel: OpenChannel | null): void {
    if (channel) this.known.set(phoneNumberId, channel);
    else this.unknown.set(phoneNumberId, true);
  }

  /** The phone number id a WABA id was last resolved to (`null`: none), `undefined` when not cached. */
  wabaNumber(wabaId: string): string | null | undefined {
    return this.wabas.get(wabaId);
  }

  setWabaNumber(wabaId: string, phoneNumberId: string | null): void {
    this.wabas.set(wabaId, phoneNumberId);
  }

  /**
   * Forgets a number that was connected, changed or disconnected. Answers of "not connected" and
   * WABA resolutions may be about it too: they go with it (connecting is rare, they are re-read).
   */
  delete(phoneNumberId: string): void {
    this.known.delete(phoneNumberId);
    this.unknown.clear();
    this.wabas.clear();
  }

  /** How many entries each part holds (for tests and diagnostics). */
  sizes(): { known: number; unknown: number; wabas: number } {
    return { known: this.known.size, unknown: this.unknown.size, wabas: this.wabas.size };
  }
}

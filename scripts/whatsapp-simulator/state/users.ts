import { businessScopedUserId } from '../core/ids.js';
import { countryOf } from '../core/phone.js';
import type { Prng } from '../core/prng.js';
import { TokenBucket } from './token-bucket.js';

/** A WhatsApp user as the simulator knows them. Username users have no wa_id (§ BSUID change). */
export interface SimUser {
  key: string;
  waId: string | null;
  name: string;
  country: string;
  /** BSUIDs fixed at injection time, per business portfolio; others are derived on demand. */
  userIds: Map<string, string>;
}

/** What the business number knows about one user: the window, marketing preference, pair rate. */
export interface Thread {
  lastInboundAt: number | null;
  /** A click-to-WhatsApp ad entry opens a 72 h free entry point window. */
  freeEntryUntil: number | null;
  marketing: 'stop' | 'resume';
  pair: TokenBucket;
  conversations: Map<string, { id: string; expiresAt: number }>;
}

const FALLBACK_NAMES = ['Alex Kim', 'Maria Silva', 'Sam Patel', 'Noor Hassan', 'Luca Rossi', 'Chen Wei', 'Aisha Bello'];

export class UserDirectory {
  private readonly users = new Map<string, SimUser>();
  private readonly byUserId = new Map<string, string>();
  private readonly threads = new Map<string, Thread>();

  constructor(private readonly prng: Prng) {}

  /** Finds or creates the user with this wa_id; an unknown recipient still has a profile name. */
  ensureByWaId(waId: string, name?: string): SimUser {
    const existing = this.users.get(waId);
    if (existing) {
      if (name) existing.name = name;
      return existing;
    }
    const user: SimUser = { key: waId, waId, name: name ?? this.prng.pick(FALLBACK_NAMES), country: countryOf(waId), userIds: new Map() };
    this.users.set(waId, user);
    return user;
  }

  /** A username user: reachable only through its business-scoped user id. */
  ensureUsernameUser(portfolioId: string, userId: string, name: string): SimUser {
    const known = this.findByUserId(userId);
    if (known) return known;
    const user: SimUser = { key: `bsuid:${userId}`, waId: null, name, country: userId.split('.')[0] ?? 'US', userIds: new Map([[portfolioId, userId]]) };
    this.users.set(user.key, user);
    this.byUserId.set(userId, user.key);
    return user;
  }

  get(key: string): SimUser | undefined {
    return this.users.get(key);
  }

  setUserId(user: SimUser, portfolioId: string, userId: string): void {
    user.userIds.set(portfolioId, userId);
    this.byUserId.set(userId, user.key);
  }

  userIdFor(user: SimUser, portfolioId: string): string {
    const fixed = user.userIds.get(portfolioId);
    if (fixed) return fixed;
    const derived = businessScopedUserId(user.country, portfolioId, user.key);
    this.setUserId(user, portfolioId, derived);
    return derived;
  }

  findByUserId(userId: string): SimUser | undefined {
    const key = this.byUserId.get(userId);
    return key === undefined ? undefined : this.users.get(key);
  }

  thread(phoneNumberId: string, user: SimUser, pair: { burst: number; refillMs: number }, now: number): Thread {
    const key = `${phoneNumberId}|${user.key}`;
    let thread = this.threads.get(key);
    if (!thread) {
      thread = { lastInboundAt: null, freeEntryUntil: null, marketing: 'resume', pair: new TokenBucket(pair.burst, pair.refillMs, now), conversations: new Map() };
      this.threads.set(key, thread);
    }
    return thread;
  }

  clear(): void {
    this.users.clear();
    this.byUserId.clear();
    this.threads.clear();
  }
}

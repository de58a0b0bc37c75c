import type { Model } from 'mongoose';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { LoginLimiter } from '../../platform/auth/login-limiter.js';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.js';
import type { AuditService } from '../audit/index.js';
import { userSchema, type UserDoc } from './users.model.js';

/**
 * The one place a password is checked against an account: signing in and accepting an invitation
 * with an existing account go through it, so they share the same limits, lockout and audit, and
 * neither can be used to guess a password the other protects. In order: the per-minute attempt
 * limits (one Redis round trip, before anything costly), the failure lockout, then the hash
 * (bounded per process, and run against a decoy when the email has no account, so the answer and
 * its timing do not tell which emails exist).
 */
export class Credentials {
  private readonly users: Model<UserDoc>;

  constructor(
    db: Database,
    private readonly limiter: LoginLimiter,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {
    this.users = db.definePlatformModel('User', userSchema);
  }

  /** The account `email` names, if `password` opens it; otherwise 401 INVALID_CREDENTIALS (or 429). */
  async verify(email: string, password: string, ip: string): Promise<UserDoc> {
    await this.limiter.admit(ip, email);
    await this.limiter.check(ip, email).catch(async (error: unknown) => {
      await this.audit.recordPlatform({ action: 'auth.login_blocked', actor: { id: null, email }, target: { type: 'user', id: null, label: email }, ip });
      throw error;
    });
    const user = await this.users.findOne({ email }).lean();
    const valid = await this.hasher.verify(password, user?.passwordHash ?? null);
    if (!user || !valid) {
      await this.limiter.recordFailure(ip, email);
      await this.recordFailure(email, user, ip);
      throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
    }
    await this.limiter.recordSuccess(email);
    return user;
  }

  /** Counts an attempt that will hash a new password (a new account): the same per-minute limits. */
  async admitNewPassword(email: string, ip: string): Promise<void> {
    await this.limiter.admit(ip, email);
  }

  private async recordFailure(email: string, user: UserDoc | null, ip: string): Promise<void> {
    const record = { action: 'auth.login_failed' as const, actor: { id: null, email }, target: { type: 'user', id: user ? String(user._id) : null, label: email }, ip };
    await this.audit.recordPlatform(record);
    // The tenants the account belongs to see attempts on their users too.
    for (const membership of user?.memberships ?? []) await this.audit.recordTenant(membership.tenantId, record);
  }
}

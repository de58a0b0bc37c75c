import { Types, type Model } from 'mongoose';
import { defineAbilityFor, type MembershipView, type SessionView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import type { LoginLimiter } from '../../platform/auth/login-limiter.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { SessionData, SessionStore } from '../../platform/auth/sessions.js';
import type { AuthContext } from '../../platform/http/context.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { AuditService } from '../audit/index.js';
import type { Credentials } from './credentials.js';
import type { TenantDirectory } from './invitations.service.js';
import { passwordResetSchema, tokenClaimSchema, type PasswordResetDoc, type TokenClaimDoc } from './invitations.model.js';
import { activeMembership, userSchema, type UserDoc } from './users.model.js';

export interface AuthSettings {
  resetTtlMs: number;
  publicUrl: string;
}

/** What guards passwords: the shared check, the limits, the bounded hasher, and a log for work done after answering. */
export interface PasswordGuards {
  credentials: Credentials;
  limiter: LoginLimiter;
  hasher: PasswordHasher;
  logger: Logger;
}

/** Sign-in, sessions and password resets. Resolves every request's session into an AuthContext. */
export class AuthService {
  private readonly users: Model<UserDoc>;
  private readonly resets: Model<PasswordResetDoc>;
  private readonly claims: Model<TokenClaimDoc>;

  constructor(
    db: Database,
    private readonly sessions: SessionStore,
    private readonly guards: PasswordGuards,
    private readonly tenants: TenantDirectory,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly settings: AuthSettings,
  ) {
    this.users = db.definePlatformModel('User', userSchema);
    this.resets = db.definePlatformModel('PasswordReset', passwordResetSchema);
    this.claims = db.definePlatformModel('TokenClaim', tokenClaimSchema);
  }

  async login(input: { email: string; password: string; tenant?: string | undefined; ip: string }): Promise<{ token: string; view: SessionView }> {
    const user = await this.guards.credentials.verify(input.email, input.password, input.ip);
    const tenantId = await this.chooseTenant(user, input.tenant);
    await this.users.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
    const session: SessionData = { userId: String(user._id), tenantId, createdAt: new Date().toISOString(), ip: input.ip };
    const token = await this.sessions.create(session);
    const auth = await this.resolve(token);
    if (!auth) throw new AppError('UNAUTHENTICATED', 'The session could not be opened');
    return { token, view: await this.view(auth) };
  }

  /** Starts a session for a user who just proved who they are (accepted an invitation). */
  async openSession(userId: string, tenantId: string | null, ip: string): Promise<{ token: string; view: SessionView }> {
    if (Types.ObjectId.isValid(userId)) await this.users.updateOne({ _id: new Types.ObjectId(userId) }, { $set: { lastLoginAt: new Date() } });
    const token = await this.sessions.create({ userId, tenantId, createdAt: new Date().toISOString(), ip });
    const auth = await this.resolve(token);
    if (!auth) throw new AppError('UNAUTHENTICATED', 'The session could not be opened');
    return { token, view: await this.view(auth) };
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.destroy(auth.sessionId, auth.user.id);
  }

  async switchTenant(auth: AuthContext, tenantId: string): Promise<SessionView> {
    const user = await this.users.findById(auth.user.id).lean();
    const membership = user ? activeMembership(user, tenantId) : undefined;
    const tenant = membership ? await this.tenants.find(tenantId) : null;
    if (!tenant) throw AppError.notFound('Tenant');
    if (tenant.status !== 'active') throw suspended();
    const session = { ...auth.session, tenantId };
    await this.sessions.update(auth.sessionId, session);
    const next = await this.resolveSession(auth.sessionId, session);
    if (!next) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
    return this.view(next);
  }

  /**
   * Turns a session token into who is calling. A session whose tenant was suspended or whose
   * membership was deactivated resolves to nobody: the user must sign in again.
   */
  async resolve(token: string): Promise<AuthContext | null> {
    const found = await this.sessions.get(token);
    return found ? this.resolveSession(found.id, found.data) : null;
  }

  private async resolveSession(sessionId: string, session: SessionData): Promise<AuthContext | null> {
    if (!Types.ObjectId.isValid(session.userId)) return null;
    const user = await this.users.findById(session.userId).lean();
    if (!user) return null;
    // A new password ends the sessions opened before it, even one a revoke could not reach.
    if (user.passwordChangedAt && Date.parse(session.createdAt) < user.passwordChangedAt.getTime()) return null;
    let tenant: AuthContext['tenant'] = null;
    if (session.tenantId) {
      const membership = activeMembership(user, session.tenantId);
      const found = membership ? await this.tenants.find(session.tenantId) : null;
      if (!membership || !found || found.status !== 'active') return null;
      tenant = { id: found.id, name: found.name, slug: found.slug, roles: membership.roles };
    }
    const ability = defineAbilityFor({ platformRole: user.platformRole, roles: tenant?.roles ?? [] });
    return {
      sessionId,
      session,
      user: { id: String(user._id), email: user.email, name: user.name, platformRole: user.platformRole },
      tenant,
      ability,
    };
  }

  async view(auth: AuthContext): Promise<SessionView> {
    const user = await this.users.findById(auth.user.id).lean();
    const memberships: MembershipView[] = [];
    for (const membership of user?.memberships ?? []) {
      if (membership.status !== 'active') continue;
      const tenant = await this.tenants.find(membership.tenantId);
      if (tenant?.status === 'active') {
        memberships.push({ tenantId: tenant.id, tenantName: tenant.name, tenantSlug: tenant.slug, roles: membership.roles });
      }
    }
    return { user: auth.user, tenant: auth.tenant, memberships, rules: auth.ability.rules };
  }

  /**
   * Counts the request against the per-IP and per-email limits, then answers. Whether the email
   * has an account is looked at only after the answer, so the answer and its timing are the same
   * either way (no account enumeration), and a slow mail server never holds the request.
   */
  async requestPasswordReset(email: string, ip: string): Promise<void> {
    await this.guards.limiter.checkReset(ip, email);
    void this.issueReset(email).catch((error: unknown) => this.guards.logger.error({ err: error }, 'password reset could not be issued'));
  }

  private async issueReset(email: string): Promise<void> {
    const user = await this.users.findOne({ email }).lean();
    if (!user) return;
    const { token, hash } = newToken();
    const now = new Date();
    await this.resets.create({ userId: String(user._id), tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + this.settings.resetTtlMs), usedAt: null });
    await this.mailer.send({
      to: email,
      kind: 'password_reset',
      subject: 'Reset your Parley password',
      text: `Someone asked to reset the password of ${email}. If it was you, open this link within ${Math.round(this.settings.resetTtlMs / 60_000)} minutes: ${this.settings.publicUrl}/reset-password/${token}\nIf it was not you, ignore this mail.\n`,
    });
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const reset = await this.resets.findOne({ tokenHash: hashToken(token) }).lean();
    if (!reset || reset.usedAt || reset.expiresAt.getTime() < Date.now()) throw resetInvalid();
    // Hashed before the token is claimed: a busy hasher (503) must not use the link up.
    const passwordHash = await this.guards.hasher.hash(password);
    try {
      await this.claims.create({ _id: `reset:${String(reset._id)}`, claimedAt: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw resetInvalid();
      throw error;
    }
    const user = await this.users.findById(reset.userId).lean();
    if (!user) throw resetInvalid();
    await this.users.updateOne({ _id: user._id }, { $set: { passwordHash, passwordChangedAt: new Date() } });
    await this.resets.updateOne({ _id: reset._id }, { $set: { usedAt: new Date() } });
    // A new password ends every session opened with the old one.
    await this.sessions.destroyAllForUser(reset.userId);
    await this.audit.recordPlatform({ action: 'auth.password_reset', actor: { id: reset.userId, email: user.email }, target: { type: 'user', id: reset.userId, label: user.email } });
  }

  private async chooseTenant(user: UserDoc, slug: string | undefined): Promise<string | null> {
    const active = user.memberships.filter((m) => m.status === 'active');
    if (user.memberships.length > 0 && active.length === 0 && !user.platformRole) {
      throw new AppError('ACCOUNT_DEACTIVATED', 'This account has been deactivated. Ask your tenant admin to reactivate it.');
    }
    let anySuspended = false;
    for (const membership of active) {
      const tenant = await this.tenants.find(membership.tenantId);
      if (!tenant) continue;
      if (tenant.status !== 'active') {
        anySuspended = true;
        continue;
      }
      if (!slug || tenant.slug === slug) return tenant.id;
    }
    if (anySuspended && !user.platformRole) throw suspended();
    if (slug && !user.platformRole) throw new AppError('NO_TENANT_ACCESS', `This account has no access to the tenant "${slug}"`);
    if (!user.platformRole) throw new AppError('NO_TENANT_ACCESS', 'This account does not belong to any tenant yet');
    return null;
  }
}

function suspended(): AppError {
  return new AppError('TENANT_SUSPENDED', 'This tenant is suspended. Contact Parley support or your account owner.');
}

function resetInvalid(): AppError {
  return new AppError('RESET_TOKEN_INVALID', 'This reset link is no longer valid: it was used or has expired. Ask for a new one.');
}

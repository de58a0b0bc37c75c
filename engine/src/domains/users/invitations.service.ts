import { Types, type Model } from 'mongoose';
import { ROOMS, type AcceptInvitationBody, type CreatedInvitationView, type InvitationPreview, type InvitationView, type TenantRole } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AuditService } from '../audit/index.js';
import type { Credentials } from './credentials.js';
import { invitationSchema, tokenClaimSchema, type InvitationDoc, type TokenClaimDoc } from './invitations.model.js';
import { userSchema, type UserDoc } from './users.model.js';
import type { Actor } from './users.service.js';

/** What invitations need to know of tenants, without reaching into the tenants domain. */
export interface TenantDirectory {
  find(tenantId: string): Promise<{ id: string; name: string; slug: string; status: 'active' | 'suspended' } | null>;
}

export interface InvitationSettings {
  ttlMs: number;
  publicUrl: string;
}

/** The password check shared with sign-in (limits, lockout, audit) and the bounded hasher. */
export interface InvitationGuards {
  credentials: Credentials;
  hasher: PasswordHasher;
}

export class InvitationsService {
  private readonly invitations: Model<InvitationDoc>;
  private readonly claims: Model<TokenClaimDoc>;
  private readonly users: Model<UserDoc>;

  constructor(
    db: Database,
    private readonly tenants: TenantDirectory,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly realtime: RealtimeEmitter,
    private readonly guards: InvitationGuards,
    private readonly settings: InvitationSettings,
  ) {
    this.invitations = db.definePlatformModel('Invitation', invitationSchema);
    this.claims = db.definePlatformModel('TokenClaim', tokenClaimSchema);
    this.users = db.definePlatformModel('User', userSchema);
  }

  async list(tenantId: string): Promise<InvitationView[]> {
    const docs = await this.invitations.find({ tenantId }).sort({ createdAt: -1 }).limit(200).lean();
    return docs.map(toView);
  }

  /** Creates a single-use, expiring link; the link is returned once and mailed, never stored. */
  async create(tenantId: string, email: string, roles: TenantRole[], actor: Actor | null): Promise<CreatedInvitationView> {
    const tenant = await this.tenants.find(tenantId);
    if (!tenant) throw AppError.notFound('Tenant');
    const existing = await this.users.findOne({ email }).lean();
    if (existing?.memberships.some((m) => m.tenantId === tenantId)) {
      throw new AppError('CONFLICT', `${email} is already a member of this tenant`, {
        fields: [{ field: 'body.email', message: 'is already a member' }],
      });
    }
    const { token, hash } = newToken();
    const now = new Date();
    const doc = await this.invitations.create({
      tenantId,
      email,
      roles,
      tokenHash: hash,
      expiresAt: new Date(now.getTime() + this.settings.ttlMs),
      createdAt: now,
      invitedBy: actor?.email ?? null,
      acceptedAt: null,
      revokedAt: null,
    });
    const link = `${this.settings.publicUrl}/invite/${token}`;
    const view = toView(doc.toObject());
    await this.audit.recordTenant(tenantId, {
      action: 'invitation.created',
      actor: { id: actor?.id ?? null, email: actor?.email ?? null },
      target: { type: 'invitation', id: view.id, label: email },
      after: { email, roles },
      ip: actor?.ip ?? null,
    });
    await this.mailer.send({
      to: email,
      kind: 'invitation',
      subject: `You are invited to ${tenant.name} on Parley`,
      text: `${actor?.email ?? 'Parley'} invited you to ${tenant.name}.\nAccept within ${Math.round(this.settings.ttlMs / 3600_000)} hours: ${link}\n`,
    });
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Invitation')], 'invitation:created', view);
    return { invitation: view, link };
  }

  async revoke(tenantId: string, invitationId: string, actor: Actor): Promise<InvitationView> {
    const doc = await this.findInTenant(tenantId, invitationId);
    if (doc.acceptedAt) throw new AppError('CONFLICT', 'This invitation was already accepted');
    const revokedAt = doc.revokedAt ?? new Date();
    await this.invitations.updateOne({ _id: doc._id }, { $set: { revokedAt } });
    const view = toView({ ...doc, revokedAt });
    await this.audit.recordTenant(tenantId, {
      action: 'invitation.revoked',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'invitation', id: invitationId, label: doc.email },
      ip: actor.ip,
    });
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Invitation')], 'invitation:revoked', view);
    return view;
  }

  /** What the link grants. Not whether the email has an account: whoever holds the link would learn it. */
  async preview(token: string): Promise<InvitationPreview> {
    const { invitation, tenant } = await this.usable(token);
    return { email: invitation.email, tenantName: tenant.name, roles: invitation.roles, expiresAt: invitation.expiresAt.toISOString() };
  }

  /**
   * Accepts an invitation: joins with the account the email already has, proven by its password
   * through the same check as sign-in, or creates the account. `existing` with an email that has
   * no account fails exactly like a wrong password. `new` with an email that has an account checks
   * the given password against it the same way (the account is never duplicated or overwritten).
   * Returns the user id to sign in.
   */
  async accept(token: string, body: AcceptInvitationBody, ip: string): Promise<{ userId: string; tenantId: string }> {
    const { invitation } = await this.usable(token);
    const joinsExisting = body.account === 'existing' || (await this.users.exists({ email: invitation.email })) !== null;
    const membership = { tenantId: invitation.tenantId, roles: invitation.roles, status: 'active' as const, joinedAt: new Date() };
    let userId: string;
    if (joinsExisting) {
      const user = await this.proveHolder(invitation, body, ip);
      await this.claim(`invitation:${String(invitation._id)}`);
      userId = await this.addMembership(user, membership);
    } else {
      await this.guards.credentials.admitNewPassword(invitation.email, ip);
      // Hashed before the invitation is claimed: a busy hasher (503) must not use the link up.
      const passwordHash = await this.guards.hasher.hash(body.password);
      await this.claim(`invitation:${String(invitation._id)}`);
      userId = await this.createUser(invitation.email, body.name ?? invitation.email, passwordHash, membership);
    }
    const acceptedAt = new Date();
    await this.invitations.updateOne({ _id: invitation._id }, { $set: { acceptedAt } });
    const view = toView({ ...invitation, acceptedAt });
    await this.audit.recordTenant(invitation.tenantId, {
      action: 'invitation.accepted',
      actor: { id: userId, email: invitation.email },
      target: { type: 'invitation', id: view.id, label: invitation.email },
      after: { roles: invitation.roles },
      ip,
    });
    this.realtime.toRooms([ROOMS.readers(invitation.tenantId, 'Invitation')], 'invitation:accepted', view);
    return { userId, tenantId: invitation.tenantId };
  }

  /**
   * The account's password, checked like a sign-in. A failure is also written to the inviting
   * tenant's log, in the same shape whether or not the email has an account.
   */
  private async proveHolder(invitation: InvitationDoc, body: AcceptInvitationBody, ip: string): Promise<UserDoc> {
    try {
      return await this.guards.credentials.verify(invitation.email, body.password, ip);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'INVALID_CREDENTIALS')) throw error;
      await this.audit.recordTenant(invitation.tenantId, {
        action: 'invitation.accept_failed',
        actor: { id: null, email: invitation.email },
        target: { type: 'invitation', id: String(invitation._id), label: invitation.email },
        ip,
      });
      const hint = body.account === 'existing' ? 'No Parley account opens with this email and password.' : 'To join with the Parley account you already have, choose so and enter its password.';
      throw new AppError('INVALID_CREDENTIALS', hint, { fields: [{ field: 'body.password', message: 'is not right' }] });
    }
  }

  private async createUser(email: string, name: string, passwordHash: string, membership: UserDoc['memberships'][number]): Promise<string> {
    const doc = await this.users.create({
      email,
      name,
      passwordHash,
      platformRole: null,
      memberships: [membership],
      createdAt: new Date(),
      lastLoginAt: null,
      passwordChangedAt: null,
    });
    return String(doc._id);
  }

  private async addMembership(user: UserDoc, membership: UserDoc['memberships'][number]): Promise<string> {
    const memberships = [...user.memberships.filter((m) => m.tenantId !== membership.tenantId), membership];
    await this.users.updateOne({ _id: user._id }, { $set: { memberships } });
    return String(user._id);
  }

  private async claim(id: string): Promise<void> {
    try {
      await this.claims.create({ _id: id, claimedAt: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw invalidInvitation();
      throw error;
    }
  }

  private async usable(token: string) {
    const invitation = await this.invitations.findOne({ tokenHash: hashToken(token) }).lean();
    if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt.getTime() < Date.now()) {
      throw invalidInvitation();
    }
    const tenant = await this.tenants.find(invitation.tenantId);
    if (!tenant || tenant.status !== 'active') throw invalidInvitation();
    return { invitation, tenant };
  }

  private async findInTenant(tenantId: string, invitationId: string): Promise<InvitationDoc> {
    if (!Types.ObjectId.isValid(invitationId)) throw AppError.notFound('Invitation');
    const doc = await this.invitations.findOne({ _id: new Types.ObjectId(invitationId), tenantId }).lean();
    if (!doc) throw AppError.notFound('Invitation');
    return doc;
  }
}

function invalidInvitation(): AppError {
  return new AppError('INVITATION_INVALID', 'This invitation link is no longer valid: it was used, revoked or has expired. Ask for a new one.');
}

function toView(doc: InvitationDoc): InvitationView {
  const status = doc.acceptedAt ? 'accepted' : doc.revokedAt ? 'revoked' : doc.expiresAt.getTime() < Date.now() ? 'expired' : 'pending';
  return {
    id: String(doc._id),
    email: doc.email,
    roles: doc.roles,
    status,
    expiresAt: doc.expiresAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
    invitedBy: doc.invitedBy,
  };
}

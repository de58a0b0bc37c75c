import type { TenantRole } from '@parley/common';
import type { DomainMount, Platform } from '../../platform/domain.js';
import { LoginLimiter } from '../../platform/auth/login-limiter.js';
import { SessionStore, type SessionSockets } from '../../platform/auth/sessions.js';
import { readSessionToken, type CookieSettings } from '../../platform/auth/session-cookie.js';
import type { AuthContext } from '../../platform/http/context.js';
import { PasswordHasher } from '../../platform/crypto/password-hasher.js';
import { PRODUCTION_COST, TEST_COST } from '../../platform/crypto/passwords.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { AuditService } from '../audit/index.js';
import { AuthService } from './auth.service.js';
import { Credentials } from './credentials.js';
import { InvitationsService, type TenantDirectory } from './invitations.service.js';
import { UsersService, type Actor } from './users.service.js';
import { authRoutes } from './auth.routes.js';
import { usersRoutes } from './users.routes.js';

export { AuthService, type AuthSettings } from './auth.service.js';
export { Credentials } from './credentials.js';
export { InvitationsService, type TenantDirectory } from './invitations.service.js';
export { UsersService, type Actor } from './users.service.js';
export { authRoutes } from './auth.routes.js';
export { usersRoutes } from './users.routes.js';
export { userSchema, type UserDoc } from './users.model.js';
export { ensureAccount, type BootstrapAccount } from './accounts.bootstrap.js';

export interface UsersPorts {
  audit: AuditService;
  mailer: Mailer;
  /** The tenants domain's registry: which tenants exist and whether each is active. */
  tenants: TenantDirectory;
  /** The socket server: a session that ends drops its sockets on every process. */
  sessionSockets: SessionSockets;
}

/** What the tenants domain needs of the people in a tenant. */
export interface TenantMembersOfUsers {
  inviteFirstAdmin(tenantId: string, email: string, actor: Actor): Promise<{ link: string }>;
  countMembers(tenantIds: string[]): Promise<Map<string, number>>;
}

/** The active people of a tenant, for whoever hands them work or notices (conversations, notifications). */
export interface MemberDirectory {
  members(tenantId: string): Promise<{ id: string; name: string; roles: TenantRole[] }[]>;
  /** One member's display name, or null when they are not a member. */
  nameOf(tenantId: string, userId: string): Promise<string | null>;
}

export interface UsersDomain extends DomainMount {
  auth: AuthService;
  users: UsersService;
  invitations: InvitationsService;
  sessions: SessionStore;
  credentials: Credentials;
  members: TenantMembersOfUsers;
  directory: MemberDirectory;
  /** How a request's session token becomes who is calling (the HTTP layer reads the cookie). */
  authenticate(token: string): Promise<AuthContext | null>;
  /** How a socket's handshake is authenticated, by the same cookie, and which sessions still live. */
  socketSessions: { authenticate(cookieHeader: string | undefined): Promise<AuthContext | null>; alive(sessionIds: string[]): Promise<Set<string>> };
}

/** People and their access: accounts, memberships and roles, invitations, sign-in, sessions, password resets. */
export function createUsersDomain(platform: Platform, ports: UsersPorts): UsersDomain {
  const { config, db, redis, realtime, logger } = platform;
  const sessions = new SessionStore(redis, { idleSeconds: config.sessionTtlSeconds, absoluteSeconds: config.sessionAbsoluteTtlSeconds }, ports.sessionSockets);
  const users = new UsersService(db, ports.audit, realtime, sessions);
  const limiter = new LoginLimiter(redis, config.loginLimits);
  const hasher = new PasswordHasher(config.env === 'test' ? TEST_COST : PRODUCTION_COST, config.passwordHashing);
  const credentials = new Credentials(db, limiter, hasher, ports.audit);
  const invitations = new InvitationsService(db, ports.tenants, ports.audit, ports.mailer, realtime, { credentials, hasher }, {
    ttlMs: config.invitationTtlMs,
    publicUrl: config.publicUrl,
  });
  const auth = new AuthService(db, sessions, { credentials, limiter, hasher, logger }, ports.tenants, ports.audit, ports.mailer, {
    resetTtlMs: config.resetTtlMs,
    publicUrl: config.publicUrl,
  });
  // The cookie may outlast the idle expiry: the server ends an idle session, the browser need not.
  const cookie: CookieSettings = { secure: config.cookieSecure, maxAgeSeconds: config.sessionAbsoluteTtlSeconds };
  const members: TenantMembersOfUsers = {
    inviteFirstAdmin: (tenantId, email, actor) => invitations.create(tenantId, email, ['tenant_admin'], actor),
    countMembers: (tenantIds) => users.countByTenant(tenantIds),
  };
  const directory: MemberDirectory = {
    members: async (tenantId) => (await users.list(tenantId)).filter((u) => u.status === 'active').map((u) => ({ id: u.id, name: u.name, roles: u.roles })),
    nameOf: (tenantId, userId) => users.view(tenantId, userId).then((u) => u.name, () => null),
  };
  const authenticate = (token: string) => auth.resolve(token);
  const socketSessions: UsersDomain['socketSessions'] = {
    authenticate: async (header) => {
      const token = readSessionToken(header, cookie);
      return token ? auth.resolve(token) : null;
    },
    alive: (ids) => sessions.alive(ids),
  };
  const routes = [...authRoutes(auth, invitations, cookie), ...usersRoutes(users, invitations)];
  return { auth, users, invitations, sessions, credentials, members, directory, authenticate, socketSessions, routes };
}

import { AbilityBuilder, createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import type { PlatformRole, TenantRole } from './roles.js';

export const ACTIONS = ['manage', 'create', 'read', 'update', 'delete', 'invite', 'suspend', 'assign', 'send', 'export'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * What can be acted on. Tenant subjects live in the tenant's own database, so tenant isolation is
 * not a CASL condition: the session's tenant decides which database is opened at all.
 */
export type Subject =
  | 'all'
  | 'Tenant'
  | 'PlatformAudit'
  /** Webhook items parked after failed processing, across tenants: platform admins only. */
  | 'DeadLetter'
  | 'User'
  | 'Invitation'
  | 'AuditLog'
  | 'Channel'
  | 'Conversation'
  | 'Customer'
  | 'Ticket'
  | 'Quotation'
  | 'Lookup'
  | 'Template'
  | 'Contact'
  | 'Campaign'
  | 'Review'
  | 'Report'
  | 'Monitoring'
  | 'Subscription'
  /** One's own notifications: every tenant member reads and dismisses theirs. */
  | 'Notification';

export type AppAbility = MongoAbility<[Action, Subject]>;
export type AppRule = RawRuleOf<AppAbility>;

export interface AbilityInput {
  platformRole?: PlatformRole | null;
  /** Roles in the tenant of the current session; empty when the session has no tenant. */
  roles: readonly TenantRole[];
}

type Can = AbilityBuilder<AppAbility>['can'];

const grantsByRole: Record<TenantRole, (can: Can) => void> = {
  tenant_admin(can) {
    can('manage', ['User', 'Invitation', 'AuditLog', 'Channel', 'Lookup', 'Template', 'Subscription']);
    can('manage', ['Conversation', 'Customer', 'Ticket', 'Quotation', 'Contact', 'Campaign', 'Review']);
    can('read', ['Report', 'Monitoring']);
  },
  manager(can) {
    can('read', ['User', 'Conversation', 'Customer', 'Ticket', 'Quotation', 'Review', 'Report', 'Monitoring', 'Campaign', 'Lookup']);
    can(['update', 'assign'], ['Conversation', 'Ticket', 'Quotation']);
  },
  care_agent(can) {
    can(['read', 'update', 'send'], 'Conversation');
    can(['read', 'update'], 'Customer');
    can(['read', 'create', 'update'], 'Ticket');
    can('read', ['Lookup', 'Template']);
  },
  sales_agent(can) {
    can(['read', 'update', 'send'], 'Conversation');
    can(['read', 'update'], 'Customer');
    can(['read', 'create', 'update'], 'Quotation');
    can('read', ['Lookup', 'Template']);
  },
  marketer(can) {
    can('manage', ['Template', 'Contact', 'Campaign']);
    can('read', ['Customer', 'Report', 'Review']);
  },
};

/** The one ability builder: the engine authorises with it, web and admin hide what it denies. */
export function defineAbilityFor(input: AbilityInput): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (input.platformRole === 'platform_admin') {
    can('manage', 'Tenant');
    can('read', 'PlatformAudit');
    can('manage', 'DeadLetter');
  }
  if (input.roles.length > 0) can(['read', 'update'], 'Notification');
  for (const role of input.roles) grantsByRole[role](can);
  return build();
}

/** Rebuilds an ability from rules the server sent (`/api/auth/me`). */
export function abilityFromRules(rules: AppRule[]): AppAbility {
  return createMongoAbility<AppAbility>(rules);
}

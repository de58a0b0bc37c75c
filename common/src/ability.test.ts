import { expect } from 'chai';
import { defineAbilityFor } from './ability.js';

describe('defineAbilityFor', () => {
  it('lets a tenant admin manage users and invitations', () => {
    const ability = defineAbilityFor({ roles: ['tenant_admin'] });
    expect(ability.can('manage', 'User')).to.equal(true);
    expect(ability.can('create', 'Invitation')).to.equal(true);
    expect(ability.can('read', 'AuditLog')).to.equal(true);
  });

  it('denies a care agent user management, campaigns and the audit log', () => {
    const ability = defineAbilityFor({ roles: ['care_agent'] });
    expect(ability.can('read', 'Conversation')).to.equal(true);
    expect(ability.can('create', 'Ticket')).to.equal(true);
    expect(ability.can('manage', 'User')).to.equal(false);
    expect(ability.can('read', 'User')).to.equal(false);
    expect(ability.can('create', 'Campaign')).to.equal(false);
    expect(ability.can('read', 'AuditLog')).to.equal(false);
    expect(ability.can('read', 'Quotation')).to.equal(false);
  });

  it('keeps sales agents off tickets and care agents off quotations', () => {
    expect(defineAbilityFor({ roles: ['sales_agent'] }).can('read', 'Ticket')).to.equal(false);
    expect(defineAbilityFor({ roles: ['sales_agent'] }).can('create', 'Quotation')).to.equal(true);
  });

  it('gives marketers templates, contacts and campaigns but not the inbox', () => {
    const ability = defineAbilityFor({ roles: ['marketer'] });
    expect(ability.can('manage', 'Campaign')).to.equal(true);
    expect(ability.can('manage', 'Template')).to.equal(true);
    expect(ability.can('read', 'Conversation')).to.equal(false);
  });

  it('lets managers watch everything but not manage users', () => {
    const ability = defineAbilityFor({ roles: ['manager'] });
    expect(ability.can('read', 'Monitoring')).to.equal(true);
    expect(ability.can('read', 'Ticket')).to.equal(true);
    expect(ability.can('read', 'Quotation')).to.equal(true);
    expect(ability.can('update', 'User')).to.equal(false);
  });

  it('gives platform admins tenants but nothing inside a tenant', () => {
    const ability = defineAbilityFor({ platformRole: 'platform_admin', roles: [] });
    expect(ability.can('create', 'Tenant')).to.equal(true);
    expect(ability.can('read', 'User')).to.equal(false);
    expect(defineAbilityFor({ roles: ['tenant_admin'] }).can('create', 'Tenant')).to.equal(false);
  });

  it('combines the grants of several roles', () => {
    const ability = defineAbilityFor({ roles: ['care_agent', 'sales_agent'] });
    expect(ability.can('read', 'Ticket')).to.equal(true);
    expect(ability.can('read', 'Quotation')).to.equal(true);
  });
});

import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { browserSuite, choose, DESKTOP, fill, shot, TABLET } from './browser-support.js';

const PASSWORD = 'correct horse battery';

async function valueOf(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).locator('input').first().inputValue();
}

/**
 * Opens an invitation link on the server under test. The engine builds links from its configured
 * public address, which in tests need not be the port the harness happens to listen on.
 */
function onServer(link: string, base: string): string {
  const { pathname } = new URL(link);
  expect(pathname).to.match(/^\/invite\/[^/]+$/, `unexpected invitation link ${link}`);
  return new URL(pathname, base).toString();
}

async function acceptInvitation(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByTestId('accept-form').waitFor();
  await fill(page, 'accept-name', name);
  await fill(page, 'accept-password', PASSWORD);
  await fill(page, 'accept-password-repeat', PASSWORD);
}

describe('Onboarding a tenant through the admin console and the web app', function () {
  this.timeout(180_000);

  const suffix = Date.now().toString(36);
  const tenantName = `E2E Clinic ${suffix}`;
  const tenantSlug = `e2e-clinic-${suffix}`;
  const adminEmail = `admin.${suffix}@clinic.example.com`;
  const agentEmail = `agent.${suffix}@clinic.example.com`;

  const suite = browserSuite();
  let platform: Page;
  let tenantAdminContext: BrowserContext;
  let tenantAdmin: Page;
  let agent: Page;
  let adminInvitation = '';
  let agentInvitation = '';

  before(async function () {
    platform = await suite.newPage();
    tenantAdminContext = await suite.browser.newContext({ viewport: DESKTOP });
    tenantAdmin = await tenantAdminContext.newPage();
    agent = await suite.newPage();
  });

  it('lets the platform admin sign in to the admin console', async function () {
    const { engine } = suite;
    await platform.goto(`${suite.base}/admin/`);
    await platform.getByTestId('admin-login-form').waitFor();
    await shot(platform, '01-admin-login');
    await fill(platform, 'admin-login-email', engine.platformAdmin.email);
    await fill(platform, 'admin-login-password', engine.platformAdmin.password);
    await platform.getByTestId('admin-login-submit').click();
    await platform.getByTestId('tenants-page').waitFor();
    await shot(platform, '02-admin-tenants');
  });

  it('onboards a tenant, deriving its slug from its name, and shows the first admin invitation link', async function () {
    await platform.getByTestId('onboard-open').click();
    await platform.getByTestId('onboard-dialog').waitFor();
    await fill(platform, 'onboard-name', tenantName);
    expect(await valueOf(platform, 'onboard-slug')).to.equal(tenantSlug);
    await choose(platform, 'onboard-plan', 'Starter');
    await fill(platform, 'onboard-admin-email', adminEmail);
    await platform.getByTestId('onboard-submit').click();
    await platform.getByTestId('onboard-link').waitFor();
    adminInvitation = onServer(await valueOf(platform, 'onboard-link'), suite.base);
    await shot(platform, '03-admin-onboard-link');
    await platform.getByTestId('onboard-done').click();
    await platform.getByTestId('onboard-dialog').waitFor({ state: 'detached' });
    const row = platform.locator(`[data-testid="tenant-row"][data-slug="${tenantSlug}"]`);
    await row.waitFor();
    expect(await row.textContent()).to.contain(tenantName).and.to.contain('Active');
    await shot(platform, '04-admin-tenant-listed');
  });

  it('lets the first admin accept the invitation and land in the web app of the new tenant', async function () {
    await acceptInvitation(tenantAdmin, adminInvitation, 'Ada Admin');
    expect(await tenantAdmin.getByTestId('invitation-preview').textContent()).to.contain(tenantName).and.to.contain(adminEmail);
    await shot(tenantAdmin, '05-invitation-accept');
    await tenantAdmin.getByTestId('accept-submit').click();
    await tenantAdmin.getByTestId('app-shell').waitFor();
    expect(await tenantAdmin.getByTestId('header-tenant-name').textContent()).to.equal(tenantName);
    expect(await tenantAdmin.getByTestId('overview-roles').textContent()).to.contain('Tenant admin');
    await shot(tenantAdmin, '06-tenant-admin-overview');
  });

  it('lets the tenant admin invite a customer care agent from Team and read the link', async function () {
    await tenantAdmin.getByTestId('nav-team').click();
    await tenantAdmin.getByTestId('team-page').waitFor();
    await tenantAdmin.locator(`[data-testid="user-row"][data-email="${adminEmail}"]`).waitFor();
    await shot(tenantAdmin, '07-team');
    await tenantAdmin.getByTestId('invite-open').click();
    await fill(tenantAdmin, 'invite-email', agentEmail);
    await tenantAdmin.getByTestId('invite-role-care_agent').click();
    await tenantAdmin.getByTestId('invite-submit').click();
    await tenantAdmin.getByTestId('invite-link').waitFor();
    agentInvitation = onServer(await valueOf(tenantAdmin, 'invite-link'), suite.base);
    await shot(tenantAdmin, '08-team-invite-link');
    await tenantAdmin.getByTestId('invite-done').click();
    await tenantAdmin.getByTestId('invite-dialog').waitFor({ state: 'detached' });
    await tenantAdmin.locator(`[data-testid="invitation-row"][data-email="${agentEmail}"]`).waitFor();
    await shot(tenantAdmin, '09-team-pending-invitation');
  });

  it('lets the agent accept, sign out and sign back in through the login form', async function () {
    await acceptInvitation(agent, agentInvitation, 'Cam Care');
    await shot(agent, '10-agent-accept');
    await agent.getByTestId('accept-submit').click();
    await agent.getByTestId('app-shell').waitFor();
    await agent.getByTestId('user-menu').click();
    await agent.getByTestId('logout').click();
    await agent.getByTestId('login-form').waitFor();
    await fill(agent, 'login-email', agentEmail);
    await fill(agent, 'login-password', 'not the password');
    await agent.getByTestId('login-submit').click();
    expect(await agent.getByTestId('login-error').textContent()).to.contain('Email or password is wrong');
    await shot(agent, '11-agent-login-wrong-password');
    await fill(agent, 'login-password', PASSWORD);
    await agent.getByTestId('login-submit').click();
    await agent.getByTestId('overview').waitFor();
    expect(await agent.getByTestId('overview-roles').textContent()).to.contain('Customer care agent');
    expect(await agent.getByTestId('overview-queues').textContent()).to.contain('Customer care');
    await shot(agent, '12-agent-overview');
  });

  it('shows the agent no Team entry and refuses the team page', async function () {
    expect(await agent.getByTestId('nav-overview').count()).to.equal(1);
    expect(await agent.getByTestId('nav-team').count()).to.equal(0);
    expect(await agent.getByTestId('nav-audit').count()).to.equal(0);
    await agent.goto(`${suite.base}/team`);
    await agent.getByTestId('not-allowed').waitFor();
    expect(await agent.getByTestId('team-page').count()).to.equal(0);
    await shot(agent, '13-agent-team-not-allowed');
  });

  it('shows the tenant admin the new member live, without a reload', async function () {
    await tenantAdmin.locator(`[data-testid="user-row"][data-email="${agentEmail}"]`).waitFor({ timeout: 10_000 });
    await tenantAdmin.locator(`[data-testid="invitation-row"][data-email="${agentEmail}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    await shot(tenantAdmin, '14-team-agent-joined');
  });

  it('collapses the sidebar of the app shell on a tablet', async function () {
    const tablet = await tenantAdminContext.newPage();
    await tablet.setViewportSize(TABLET);
    await tablet.goto(`${suite.base}/team`);
    await tablet.locator(`[data-testid="user-row"][data-email="${agentEmail}"]`).waitFor();
    const sidebar = await tablet.getByTestId('sidebar').boundingBox();
    expect(sidebar?.width ?? Infinity).to.be.at.most(80);
    await shot(tablet, '15-app-shell-tablet');
  });

  it('tells someone who is not a platform admin that the admin console is not for them', async function () {
    await agent.goto(`${suite.base}/admin/login`);
    await fill(agent, 'admin-login-email', agentEmail);
    await fill(agent, 'admin-login-password', PASSWORD);
    await agent.getByTestId('admin-login-submit').click();
    expect(await agent.getByTestId('admin-login-not-admin').textContent()).to.contain('not a platform administrator');
    expect(await agent.getByTestId('tenants-page').count()).to.equal(0);
    await shot(agent, '16-admin-console-refuses-agent');
  });
});

import type { CreatedInvitationView, CreatedTenantView, TenantRole } from '@parley/common';
import { ApiClient, tokenOf } from './api-client.js';
import type { TestEngine } from './harness.js';

export const PASSWORD = 'correct-horse-battery';

/** A tenant onboarded through the API, with its admin signed in. */
export interface TenantFixture {
  id: string;
  slug: string;
  admin: ApiClient;
  adminEmail: string;
}

export async function platformAdminClient(t: TestEngine): Promise<ApiClient> {
  const client = new ApiClient(t.url);
  await client.login(t.platformAdmin.email, t.platformAdmin.password);
  return client;
}

export async function onboardTenant(t: TestEngine, slug: string): Promise<TenantFixture> {
  const platform = await platformAdminClient(t);
  const adminEmail = `admin@${slug}.test`;
  const created = await platform.post<CreatedTenantView>('/api/admin/tenants', { name: `Tenant ${slug}`, slug, plan: 'starter', adminEmail });
  if (created.status !== 201) throw new Error(`onboarding ${slug} failed: ${JSON.stringify(created.body)}`);
  const admin = new ApiClient(t.url);
  const accepted = await admin.post(`/api/public/invitations/${tokenOf(created.body.invitationLink)}/accept`, { name: `Admin ${slug}`, password: PASSWORD });
  if (accepted.status !== 200) throw new Error(`accepting ${slug} admin failed: ${JSON.stringify(accepted.body)}`);
  return { id: created.body.tenant.id, slug, admin, adminEmail };
}

/** Invites a member with the given roles and returns them signed in, with their user id. */
export async function addMember(t: TestEngine, tenant: TenantFixture, email: string, roles: TenantRole[]): Promise<{ client: ApiClient; userId: string }> {
  const invited = await tenant.admin.post<CreatedInvitationView>('/api/invitations', { email, roles });
  if (invited.status !== 201) throw new Error(`inviting ${email} failed: ${JSON.stringify(invited.body)}`);
  const client = new ApiClient(t.url);
  const accepted = await client.post<{ user: { id: string } }>(`/api/public/invitations/${tokenOf(invited.body.link)}/accept`, { name: email, password: PASSWORD });
  if (accepted.status !== 200) throw new Error(`accepting ${email} failed: ${JSON.stringify(accepted.body)}`);
  return { client, userId: accepted.body.user.id };
}

/**
 * Seeds the demo platform: a platform admin and a demo tenant with one user per role.
 * Idempotent: running it again resets the demo passwords and keeps everything else.
 */
import type { TenantRole } from '@parley/common';
import { createEngine, ensureAccount, loadConfig, PRODUCTION_COST, type Engine } from '@parley/engine';
import { seedDemoWhatsApp } from './demo-whatsapp.js';
import { seedDemoLookups } from './demo-lookups.js';
import { seedDemoContacts } from './demo-contacts.js';

const DEMO_PASSWORD = 'parley-demo-2026';
const PLATFORM_ADMIN = { email: 'admin@parley.local', name: 'Pat Platform' };
const DEMO_TENANT = { name: 'Demo Telecom', slug: 'demo', plan: 'growth' as const };
const DEMO_USERS: { email: string; name: string; role: TenantRole }[] = [
  { email: 'admin@demo.parley.local', name: 'Ada Admin', role: 'tenant_admin' },
  { email: 'manager@demo.parley.local', name: 'Manuel Manager', role: 'manager' },
  { email: 'care@demo.parley.local', name: 'Carla Care', role: 'care_agent' },
  { email: 'sales@demo.parley.local', name: 'Samir Sales', role: 'sales_agent' },
  { email: 'marketing@demo.parley.local', name: 'Mia Marketing', role: 'marketer' },
];

async function demoTenantId(engine: Engine, adminId: string): Promise<string> {
  const { tenants } = engine.services;
  const existing = await tenants.findBySlug(DEMO_TENANT.slug);
  if (existing) return existing.id;
  const created = await tenants.create(
    { ...DEMO_TENANT, adminEmail: DEMO_USERS[0]?.email ?? 'admin@demo.parley.local' },
    { id: adminId, email: PLATFORM_ADMIN.email, ip: null },
  );
  return created.tenant.id;
}

async function main(): Promise<void> {
  // Quiet: the demo tenant's first invitation mail would otherwise be logged here.
  const engine = await createEngine(loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
  try {
    const adminId = await ensureAccount(engine.db, { ...PLATFORM_ADMIN, password: DEMO_PASSWORD, platformRole: 'platform_admin' }, PRODUCTION_COST);
    const tenantId = await demoTenantId(engine, adminId);
    for (const user of DEMO_USERS) {
      await ensureAccount(engine.db, { email: user.email, name: user.name, password: DEMO_PASSWORD, membership: { tenantId, roles: [user.role] } }, PRODUCTION_COST);
    }
    await seedDemoLookups(engine, tenantId, { id: adminId, email: PLATFORM_ADMIN.email });
    await seedDemoWhatsApp(engine, tenantId, { id: adminId, email: PLATFORM_ADMIN.email }, process.env.WA_SIM_URL ?? 'http://localhost:9090');
    await seedDemoContacts(engine, tenantId, adminId);
    const url = engine.config.publicUrl;
    const rows = [
      ['Platform admin', `${url}/admin`, PLATFORM_ADMIN.email],
      ...DEMO_USERS.map((user) => [user.role.replace('_', ' '), url, user.email]),
    ];
    console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
    for (const [role, where, email] of rows) console.log(`  ${String(role).padEnd(16)} ${String(email).padEnd(30)} ${where}`);
    console.log('');
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import { createEngine, ensureAccount, loadConfig, TEST_COST, type Engine } from '@parley/engine';
import { createSimulator, type Simulator } from '../whatsapp-simulator/index.js';

/**
 * An engine in this process with a fresh tenant whose demo number is connected to an in-process
 * simulator, in databases of their own that are dropped at the end.
 */
export async function benchTenant(options: { logLevel?: string } = {}): Promise<{ engine: Engine; engineUrl: string; sim: Simulator; tenantId: string; close(): Promise<void> }> {
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DB_PREFIX: prefix, LOG_LEVEL: options.logLevel ?? 'silent' });
  const engine = await createEngine(config);
  const engineUrl = await engine.listen();
  const sim = await createSimulator({ port: 0, webhookUrl: `${engineUrl}/webhooks/whatsapp`, seed: 'bench' });
  const adminId = await ensureAccount(engine.db, { email: `ops@${prefix}.bench`, name: 'Ops', password: 'bench-password-1', platformRole: 'platform_admin' }, TEST_COST);
  const { tenant } = await engine.services.tenants.create({ name: 'Bench', slug: prefix, plan: 'enterprise', adminEmail: `admin@${prefix}.bench` }, { id: adminId, email: 'ops@bench', ip: null });
  await engine.services.channels.connect(
    tenant.id,
    { phoneNumberId: '100000000000001', wabaId: '200000000000001', displayPhoneNumber: '+1 555 010 0001', accessToken: 'demo-access-token', appSecret: 'demo-app-secret', verifyToken: 'demo-verify-token', graphBaseUrl: `${sim.url}/v23.0` },
    { id: adminId, email: 'ops@bench', ip: null },
  );
  return {
    engine,
    engineUrl,
    sim,
    tenantId: tenant.id,
    close: async () => {
      await sim.close();
      await engine.services.webhooks.idle();
      await engine.db.dropAll();
      await engine.close();
    },
  };
}

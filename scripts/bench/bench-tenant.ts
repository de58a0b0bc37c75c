import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createEngine, ensureAccount, loadConfig, TEST_COST, type Engine } from '@parley/engine';
import { createSimulator, type Simulator } from '../whatsapp-simulator/index.js';
import { processCpuSeconds } from './bench-support.js';

/** A simulator reached over HTTP only, as the engine reaches Meta. */
export interface SimulatorEndpoint {
  url: string;
  /** CPU seconds the simulator's process has used (user and system), from /proc on Linux, else NaN. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

const simulatorMain = fileURLToPath(new URL('../whatsapp-simulator/main.ts', import.meta.url));

/**
 * The simulator in a process of its own (`npm run simulator`), so that the engine's event loop
 * is not the one that also plays WhatsApp: Meta's work does not run inside Parley.
 */
export async function simulatorProcess(webhookUrl: string): Promise<SimulatorEndpoint> {
  const child = spawn(process.execPath, ['--import=tsx', simulatorMain], {
    env: { ...process.env, WA_SIM_PORT: '0', WA_SIM_HOST: '127.0.0.1', WA_SIM_WEBHOOK_URL: webhookUrl, WA_SIM_SEED: 'bench' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = `${errors}${chunk.toString()}`.slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /Graph API at (http:\/\/\S+?)\/v23\.0\//.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening:\n${errors}`)));
  });
  return {
    url,
    cpuSeconds: () => processCpuSeconds(child.pid),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * An engine in this process with a fresh tenant whose demo number is connected to a simulator,
 * in databases of their own that are dropped at the end. The simulator runs in this process, or
 * in its own with `simulator: 'process'` (reached by its control API only).
 */
export async function benchTenant(options?: { logLevel?: string; simulator?: 'in-process' }): Promise<BenchTenant<Simulator>>;
export async function benchTenant(options: { logLevel?: string; simulator: 'process' }): Promise<BenchTenant<SimulatorEndpoint>>;
export async function benchTenant(options: { logLevel?: string; simulator?: 'in-process' | 'process' } = {}): Promise<BenchTenant<Simulator | SimulatorEndpoint>> {
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DB_PREFIX: prefix, LOG_LEVEL: options.logLevel ?? 'silent' });
  const engine = await createEngine(config);
  const engineUrl = await engine.listen();
  const webhookUrl = `${engineUrl}/webhooks/whatsapp`;
  const sim = options.simulator === 'process' ? await simulatorProcess(webhookUrl) : await createSimulator({ port: 0, webhookUrl, seed: 'bench' });
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

export interface BenchTenant<S> {
  engine: Engine;
  engineUrl: string;
  sim: S;
  tenantId: string;
  close(): Promise<void>;
}


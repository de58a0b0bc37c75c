import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createEngine, type Engine } from '../../src/app.js';
import { TEST_COST } from '../../src/platform/crypto/passwords.js';
import { ensureAccount } from '../../src/domains/users/index.js';

export interface TestEngine {
  url: string;
  engine: Engine;
  platformAdmin: { email: string; password: string };
  close(): Promise<void>;
}

/**
 * Starts a real engine on a random port against the real FerretDB and Redis given by
 * MONGODB_URI / REDIS_URL (npm test provides them), in databases of its own.
 */
export async function startTestEngine(overrides: Partial<Record<string, string>> = {}): Promise<TestEngine> {
  const prefix = overrides.DB_PREFIX ?? `t${randomBytes(4).toString('hex')}`;
  const config = testConfig({ DB_PREFIX: prefix, ...overrides });
  const engine = await createEngine(config);
  const url = await engine.listen();
  const platformAdmin = { email: `admin@${prefix}.test`, password: 'platform-admin-password' };
  await ensurePlatformAdmin(engine, platformAdmin);
  return {
    url,
    engine,
    platformAdmin,
    close: async () => {
      await engine.close();
    },
  };
}

export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  const { MONGODB_URI, REDIS_URL } = process.env;
  if (!MONGODB_URI || !REDIS_URL) throw new Error('MONGODB_URI and REDIS_URL must be set: run the tests with npm test');
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI,
    REDIS_URL,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    ...overrides,
  });
}

async function ensurePlatformAdmin(engine: Engine, admin: { email: string; password: string }): Promise<void> {
  await ensureAccount(engine.db, { ...admin, name: 'Platform Admin', platformRole: 'platform_admin' }, TEST_COST);
}

/** Drops every database a test engine made (Redis of the test profile keeps no data). */
export async function dropTestData(engine: Engine): Promise<void> {
  await engine.db.dropAll();
}

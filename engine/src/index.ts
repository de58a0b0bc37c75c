/** What scripts (seed, benchmarks) and tests may use of the engine. */
export { createEngine, type Engine } from './app.js';
export { loadConfig, ConfigError, type Config } from './config/config.js';
export { ensureAccount, type BootstrapAccount } from './domains/users/index.js';
export { PRODUCTION_COST, TEST_COST } from './platform/crypto/passwords.js';
export { customerIdOf, phoneIdentityKey } from './domains/customers/index.js';

import { ConfigError, loadConfig } from './config/config.js';
import { createEngine } from './app.js';
import { createLogger } from './platform/logger/logger.js';
import { installProcessGuards } from './platform/runtime/process-guards.js';

async function main(): Promise<void> {
  const config = loadConfig();
  // Installed before the engine starts: a rejection during start-up is logged too.
  const removeBootGuards = installProcessGuards(createLogger(config.logLevel));
  const engine = await createEngine(config);
  removeBootGuards();
  installProcessGuards(engine.logger);
  const url = await engine.listen();
  engine.logger.info({ url, publicUrl: config.publicUrl }, 'engine listening');

  const shutdown = (signal: string) => {
    engine.logger.info({ signal }, 'shutting down');
    engine.close().then(
      () => process.exit(0),
      (error: unknown) => {
        engine.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});

// npm test [-- <mocha arguments>]: lint, type check, start the test services, build the apps the
// browser tests serve, then run every mocha test against real servers.
//
// SKIP_LINT=1 skips eslint and the type check; SKIP_BUILD=1 skips the web/admin build (reusing the
// last one). The test services are stopped at the end if this run started them. Builtins only: it
// runs before `npm install`.
import { aptInstall, findExecutable } from './services/host.mjs';
import {
  installDependencies,
  mustSucceed,
  npmCommand,
  npxCommand,
  requireNode,
  run,
  say,
  servicesRelease,
  servicesUp,
} from './services/steps.mjs';

const enabled = (name) => ['1', 'true', 'yes'].includes((process.env[name] ?? '').toLowerCase());
const mochaArgs = process.argv.slice(2);
let leased = false;

requireNode();
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => void finish(code));
}

try {
  await installDependencies();
  if (!enabled('SKIP_LINT')) await lintAndTypecheck();
  await ensureBrowser();

  const services = await servicesUp('test');
  leased = true;
  if (!enabled('SKIP_BUILD')) {
    say('build web and admin');
    await mustSucceed(npmCommand, ['run', 'build']);
  }

  say(`mocha ${mochaArgs.join(' ')}`.trim());
  const env = { ...process.env, MONGODB_URI: services.mongodbUri, REDIS_URL: services.redisUrl, NODE_ENV: 'test', PARLEY_TEST: '1' };
  await finish(await run(npxCommand, ['mocha', ...mochaArgs], env));
} catch (error) {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  await finish(1);
}

/** Runs both checks so that one run reports every problem, then fails if either did. */
async function lintAndTypecheck() {
  say('eslint');
  const lint = await run(npxCommand, ['eslint', '.']);
  say('type check');
  const types = await run(npmCommand, ['run', 'typecheck']);
  const failed = [lint !== 0 && 'eslint', types !== 0 && 'type check'].filter(Boolean);
  if (failed.length > 0) throw new Error(`${failed.join(' and ')} failed`);
}

/** The browser tests drive Debian's chromium; install it (with fonts for screenshots) when missing. */
async function ensureBrowser() {
  if (findExecutable('chromium')) return;
  try {
    await aptInstall(['chromium', 'fonts-liberation']);
  } catch (error) {
    process.stderr.write(`chromium is missing and could not be installed (${error instanceof Error ? error.message : error}); browser tests will fail.\n`);
  }
}

async function finish(code) {
  if (leased) {
    leased = false;
    await servicesRelease('test');
  }
  process.exit(code);
}

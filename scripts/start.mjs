// npm start: everything a fresh clone needs to show Parley with a demo tenant.
//
// Installs the npm dependencies when needed, brings up the dev services (FerretDB and Redis, or the
// servers named by MONGODB_URI/REDIS_URL), builds the web and admin apps, seeds the demo tenant,
// then runs the WhatsApp simulator and the engine until Ctrl-C, which stops them all (and the dev
// services, if this run started them). Builtins only: it runs before `npm install`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  installDependencies,
  mustSucceed,
  npmCommand,
  repoRoot,
  requireNode,
  say,
  servicesRelease,
  servicesUp,
  startPrefixed,
} from './services/steps.mjs';

const port = Number(process.env.PORT ?? 8080);
const simulatorPort = Number(process.env.WA_SIM_PORT ?? 9090);
const children = new Map();
let leased = false;
let stopping = false;

requireNode();
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.on(signal, () => void shutdown(code));

try {
  await installDependencies();
  const services = await servicesUp('dev');
  leased = true;
  const env = { ...process.env, MONGODB_URI: services.mongodbUri, REDIS_URL: services.redisUrl, ENCRYPTION_KEY: devEncryptionKey() };

  say('build web and admin');
  await mustSucceed(npmCommand, ['run', 'build'], env);

  // The simulator runs before the seed, which creates the demo's message templates through it. Its
  // simulated customers start writing to the business as soon as the engine answers.
  launch('simulator', 'scripts/whatsapp-simulator/main.ts', { WA_SIM_CUSTOMERS: '1', WA_SIM_WEBHOOK_URL: `http://localhost:${port}/webhooks/whatsapp`, ...env });
  await waitForPort(simulatorPort);
  say('demo seed');
  await mustSucceed(npmCommand, ['run', 'seed'], { ...env, WA_SIM_URL: `http://localhost:${simulatorPort}` });

  if (!(await portIsFree(port))) throw new Error(`port ${port} is already in use; stop what uses it or set PORT`);
  launch('engine', 'engine/src/main.ts', env, await engineConsole(env));

  await waitForPort(port);
  if (!stopping) {
    say(`Parley is running at http://localhost:${port} (web) and http://localhost:${port}/admin (admin)`);
    process.stderr.write('Ctrl-C stops everything.\n');
  }
} catch (error) {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}

/**
 * WhatsApp tokens and app secrets are stored encrypted; the demo keeps one key across restarts in
 * .local/dev so that the seeded channel stays readable. Production sets ENCRYPTION_KEY itself.
 */
function devEncryptionKey() {
  if (process.env.ENCRYPTION_KEY) return process.env.ENCRYPTION_KEY;
  const file = join(repoRoot, '.local', 'dev', 'encryption-key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The engine logs JSON lines, its production format. In development (NODE_ENV unset or
 * `development`) each is shown as one readable line through pino-pretty, a request as its method,
 * path, status and time; any other NODE_ENV keeps the JSON. Loaded only here, after the install:
 * the engine itself never needs pino-pretty.
 */
async function engineConsole(env) {
  if ((env.NODE_ENV ?? 'development') !== 'development') return undefined;
  const { prettyFactory } = await import('pino-pretty');
  const pretty = prettyFactory({ colorize: Boolean(process.stdout.isTTY), singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return (line) => {
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      return line;
    }
    if (record === null || typeof record !== 'object' || typeof record.level !== 'number') return line;
    return pretty(requestLine(record)).trimEnd();
  };
}

/** pino-http's record of a request (its headers, both ways) reduced to what a developer reads. */
function requestLine(record) {
  if (!record.req || !record.res) return record;
  const { req, res, responseTime, tenantId: _tenantId, ...rest } = record;
  return { ...rest, msg: `${req.method} ${req.url} ${res.statusCode} ${responseTime} ms` };
}

/** Runs a TypeScript entry point in one Node process, so that signals reach it directly. */
function launch(name, entry, env, format) {
  const child = startPrefixed(name, process.execPath, ['--import', 'tsx', entry], env, format);
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
    void shutdown(signal === 'SIGINT' ? 130 : code || 1);
  });
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  const running = [...children.values()];
  for (const child of running) child.kill('SIGTERM');
  // 'close' comes after the child's last output lines, which are still worth showing.
  const exited = Promise.all(running.map((child) => new Promise((resolve) => child.once('close', resolve))));
  const timer = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), 10_000);
  await exited;
  clearTimeout(timer);
  if (leased) await servicesRelease('dev');
  process.exit(code);
}

function portIsFree(value) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port: value, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`value`, or when shutting down. */
async function waitForPort(value) {
  while (!stopping) {
    const open = await new Promise((resolve) => {
      const socket = connect({ port: value, host: '127.0.0.1' });
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

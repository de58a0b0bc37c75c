// Steps shared by `npm start` (scripts/start.mjs) and `npm test` (scripts/test.mjs). Builtins only:
// these run on a fresh clone, before `npm install`.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './host.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

export function say(message) {
  process.stderr.write(`\n== ${message}\n`);
}

/** Stops with a readable message when Node is older than package.json's engines field. */
export function requireNode(minimum = [20, 19]) {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > minimum[0] || (major === minimum[0] && minor >= minimum[1])) return;
  process.stderr.write(`Parley needs Node ${minimum.join('.')} or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}

/**
 * Installs the npm dependencies when node_modules is missing or older than the lockfile. npm
 * rewrites node_modules/.package-lock.json on every install, so its age tells when the tree was
 * last brought in line with package-lock.json.
 */
export async function installDependencies() {
  const lockfile = join(repoRoot, 'package-lock.json');
  const hasLockfile = existsSync(lockfile);
  const wanted = mtime(hasLockfile ? lockfile : join(repoRoot, 'package.json'));
  const installed = mtime(join(repoRoot, 'node_modules', '.package-lock.json'));
  if (installed !== undefined && wanted !== undefined && installed >= wanted) return;
  const command = hasLockfile ? 'ci' : 'install';
  say(`npm ${command}`);
  await mustSucceed(npm, [command]);
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : undefined;
}

/**
 * Brings up the profile's local services (or takes MONGODB_URI/REDIS_URL as given) under a lease
 * held by this process, and returns `{ mongodbUri, redisUrl, started }`.
 */
export async function servicesUp(profile) {
  say(`local services (${profile})`);
  const output = await capture(npx, ['tsx', 'scripts/services/cli.ts', 'up', '--profile', profile, '--json', '--lease', String(process.pid)]);
  const result = JSON.parse(output.trim().split('\n').at(-1) ?? '');
  process.stderr.write(`MONGODB_URI=${result.mongodbUri}\nREDIS_URL=${result.redisUrl}\n`);
  return result;
}

/** Releases this process's lease; the services stop if nobody else uses or asked to keep them. */
export async function servicesRelease(profile) {
  await runCommand(npx, ['tsx', 'scripts/services/cli.ts', 'down', '--profile', profile, '--release', String(process.pid)], { cwd: repoRoot });
}

/** Runs a command in the repository with inherited output and returns its exit code. */
export function run(command, args, env = process.env) {
  return runCommand(command, args, { cwd: repoRoot, env, stdout: 'inherit' });
}

export async function mustSucceed(command, args, env = process.env) {
  const code = await run(command, args, env);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit code ${code})`);
}

export const npmCommand = npm;
export const npxCommand = npx;

function capture(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`${command} ${args.join(' ')} failed (exit code ${code})`))));
  });
}

/** Starts a long-running child whose every output line is prefixed with its name (and passed through `format`). */
export function startPrefixed(name, command, args, env, format = (line) => line) {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => sink.write(`${prefix}${format(line)}\n`));
  }
  return child;
}

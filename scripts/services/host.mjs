// Helpers about the host machine, shared by the plain Node entry points (scripts/start.mjs,
// scripts/test.mjs run before `npm install`, so this file imports builtins only) and by the
// TypeScript service manager.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (then in `extraDirs`), or undefined. */
export function findExecutable(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory: keep looking.
      continue;
    }
  }
  return undefined;
}

/**
 * Runs a command to completion. Its output goes to stderr so that a caller's stdout stays
 * machine-readable (`npm run services -- up --json`).
 */
export function runCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['inherit', options.stdout ?? 2, 2],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a command and throws when it does not exit with 0. */
export async function runOrThrow(command, args, options = {}) {
  const code = await runCommand(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with code ${code}`);
}

/**
 * Installs Debian packages with apt-get, through sudo unless running as root. Throws with advice
 * when the machine has no apt-get.
 */
export async function aptInstall(packages) {
  if (!findExecutable('apt-get')) {
    throw new Error(
      `${packages.join(', ')} missing and this machine has no apt-get: install them with your ` +
        'package manager, or point MONGODB_URI/REDIS_URL at running servers.',
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = isRoot ? [] : ['sudo'];
  const run = (args) => {
    const [command, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    return runOrThrow(command, rest);
  };
  process.stderr.write(`Installing ${packages.join(', ')} with apt-get...\n`);
  await run(['update']);
  await run(['install', '-y', '--no-install-recommends', ...packages]);
}

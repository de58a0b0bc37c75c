// Installs the two servers on first use: FerretDB from the Go module in scripts/ferretdb, and
// redis-server from Debian.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { aptInstall, findExecutable, runOrThrow } from './host.mjs';
import { localBin, repoRoot } from './profile.js';

const ferretdbModule = join(repoRoot, 'scripts', 'ferretdb');
// Go's official tarball installs here without always being on PATH.
const goDirs = ['/usr/local/go/bin'];
// Debian puts redis-server in /usr/bin; some distributions use sbin, which is not on a user's PATH.
const redisDirs = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];

/**
 * Path of the FerretDB binary, building it when it is missing or older than its module. The
 * first build downloads FerretDB 1.24.2 and its dependencies (about a minute); later ones reuse
 * Go's module and build caches.
 */
export async function ensureFerretdb(): Promise<string> {
  const binary = join(localBin, 'ferretdb');
  const built = await stat(binary).catch(() => undefined);
  const sourceNames = (await readdir(ferretdbModule)).filter((name) => name.endsWith('.go') || name === 'go.mod' || name === 'go.sum');
  const sources = await Promise.all(sourceNames.map((name) => stat(join(ferretdbModule, name))));
  if (built && sources.every((source) => source.mtimeMs <= built.mtimeMs)) return binary;

  const go = findExecutable('go', goDirs);
  if (!go) {
    throw new Error('Go is needed to build FerretDB for local services: install Go 1.26 (https://go.dev/dl/).');
  }
  process.stderr.write('Building FerretDB 1.24.2 into .local/bin (the first time takes about a minute)...\n');
  await runOrThrow(go, ['install', '.'], {
    cwd: ferretdbModule,
    // -mod=mod lets go complete go.sum entries it finds missing instead of refusing to build.
    env: { ...process.env, GOBIN: localBin, GOFLAGS: '-mod=mod' },
  });
  return binary;
}

/** Path of redis-server, installing the Debian package when it is missing. */
export async function ensureRedisServer(): Promise<string> {
  const found = findExecutable('redis-server', redisDirs);
  if (found) return found;
  await aptInstall(['redis-server']);
  const installed = findExecutable('redis-server', redisDirs);
  if (!installed) throw new Error('redis-server is still missing after installing the redis-server package');
  return installed;
}

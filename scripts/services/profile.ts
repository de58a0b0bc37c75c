// Where a profile's services live on disk, which ports they use, and who holds them.
//
// Layout under `.local/<profile>/`:
//   ferretdb/            FerretDB data (one SQLite file per database)
//   redis/               Redis working directory (dev keeps its dump.rdb here)
//   ferretdb.pid, redis.pid, ferretdb.log, redis.log
//   services.json        the ports in use and whether the services outlive the run that started them
//   leases/<pid>         one file per running `npm start`/`npm test` that uses the services
//   services.lock        held while a process starts or stops the services
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { errorCode, isAlive } from './process.js';

export type Profile = 'dev' | 'test';
export type ServiceName = 'ferretdb' | 'redis';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const localBin = join(repoRoot, '.local', 'bin');

/** Documented ports; another free port is used (and recorded) when one is taken by a stranger. */
export const documentedPorts: Record<Profile, Record<ServiceName, number>> = {
  dev: { ferretdb: 27027, redis: 6390 },
  test: { ferretdb: 27028, redis: 6391 },
};

export interface ProfilePaths {
  dir: string;
  dataDir: Record<ServiceName, string>;
  pidFile: Record<ServiceName, string>;
  logFile: Record<ServiceName, string>;
  stateFile: string;
  leasesDir: string;
  lockFile: string;
}

export function profilePaths(profile: Profile): ProfilePaths {
  const dir = join(repoRoot, '.local', profile);
  return {
    dir,
    dataDir: { ferretdb: join(dir, 'ferretdb'), redis: join(dir, 'redis') },
    pidFile: { ferretdb: join(dir, 'ferretdb.pid'), redis: join(dir, 'redis.pid') },
    logFile: { ferretdb: join(dir, 'ferretdb.log'), redis: join(dir, 'redis.log') },
    stateFile: join(dir, 'services.json'),
    leasesDir: join(dir, 'leases'),
    lockFile: join(dir, 'services.lock'),
  };
}

const portSchema = z.number().int().min(1).max(65_535);
const stateSchema = z.object({
  ports: z.object({ ferretdb: portSchema, redis: portSchema }),
  /** True when the services were asked for explicitly and must outlive the runs that use them. */
  keep: z.boolean(),
});
export type ServicesState = z.infer<typeof stateSchema>;

export async function readState(paths: ProfilePaths): Promise<ServicesState | undefined> {
  const text = await readFile(paths.stateFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${paths.stateFile} is not a services state; delete it`);
  return parsed.data;
}

export async function writeState(paths: ProfilePaths, state: ServicesState): Promise<void> {
  await writeFile(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function addLease(paths: ProfilePaths, pid: number): Promise<void> {
  await mkdir(paths.leasesDir, { recursive: true });
  await writeFile(join(paths.leasesDir, String(pid)), '');
}

export async function removeLease(paths: ProfilePaths, pid: number): Promise<void> {
  await rm(join(paths.leasesDir, String(pid)), { force: true });
}

/** Leases whose process still runs; a run that crashed leaves a file that no longer counts. */
export async function liveLeases(paths: ProfilePaths): Promise<number[]> {
  const names = await readdir(paths.leasesDir).catch((): string[] => []);
  return names.map(Number).filter((pid) => Number.isInteger(pid) && isAlive(pid));
}

const lockWaitMs = 5 * 60_000; // covers another process's first FerretDB build

/**
 * Runs `action` while holding the profile's lock file, so that two commands starting at once
 * (two `npm test` in one checkout) do not both start servers. A lock left by a dead process is
 * taken over.
 */
export async function withLock<T>(paths: ProfilePaths, action: () => Promise<T>): Promise<T> {
  await mkdir(paths.dir, { recursive: true });
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    const handle = await open(paths.lockFile, 'wx').catch((error: unknown) => {
      if (errorCode(error) === 'EEXIST') return undefined;
      throw error;
    });
    if (handle) {
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    }
    const holder = await readPid(paths.lockFile);
    // An empty lock file is a holder between creating and writing it, unless it is old.
    const stale = holder === undefined ? await olderThan(paths.lockFile, 10_000) : !isAlive(holder);
    if (stale) {
      await rm(paths.lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${paths.lockFile} is held by process ${holder}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  try {
    return await action();
  } finally {
    await rm(paths.lockFile, { force: true });
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info === undefined || Date.now() - info.mtimeMs > ms;
}

// Local MongoDB-compatible database (FerretDB on SQLite) and Redis for development and tests.
//
// When MONGODB_URI and REDIS_URL are both set, those servers are used and nothing is started.
// Otherwise each profile runs its own pair of detached servers on documented ports, under
// `.local/<profile>/` (see profile.ts), reused by every later command until stopped.
//
// Runs that start services for their own use (`npm start`, `npm test`) take a lease: the services
// are stopped when the last lease is released, unless someone asked for them explicitly
// (`npm run services -- up`), in which case they stay up until `down`.
import { mkdir } from 'node:fs/promises';
import { ensureFerretdb, ensureRedisServer } from './install.js';
import { isPortFree, freePort, isProgram, removeFile, sleep, spawnDetached, stopProcess, tailFile } from './process.js';
import { mongoAnswers, mongodbUri, redisAnswers, redisUrl } from './probe.js';
import {
  addLease,
  documentedPorts,
  liveLeases,
  profilePaths,
  readPid,
  readState,
  removeLease,
  withLock,
  writeState,
  type Profile,
  type ProfilePaths,
  type ServiceName,
} from './profile.js';

export type { Profile, ServiceName } from './profile.js';

export interface ServiceUrls {
  mongodbUri: string;
  redisUrl: string;
}

export interface EnsureOptions {
  profile?: Profile;
  /** Pid of the run that uses the services; they are stopped when its lease is the last released. */
  lease?: number;
}

export interface EnsureResult extends ServiceUrls {
  profile: Profile;
  /** True when MONGODB_URI/REDIS_URL were given and no local service is involved. */
  external: boolean;
  /** The services this call had to start (empty when all were already running). */
  started: ServiceName[];
}

export interface ServiceStatus {
  pid: number | undefined;
  port: number;
  answering: boolean;
}

export interface ServicesStatus extends ServiceUrls {
  profile: Profile;
  external: boolean;
  keep: boolean;
  leases: number[];
  services: Record<ServiceName, ServiceStatus>;
}

const serviceNames: readonly ServiceName[] = ['ferretdb', 'redis'];
const programs: Record<ServiceName, string> = { ferretdb: 'ferretdb', redis: 'redis-server' };
const labels: Record<ServiceName, string> = { ferretdb: 'FerretDB', redis: 'Redis' };
const readyTimeoutMs = 60_000;

export async function ensureServices(options: EnsureOptions = {}): Promise<EnsureResult> {
  const profile = options.profile ?? 'dev';
  const external = externalUrls();
  if (external) return { ...external, profile, external: true, started: [] };

  const paths = profilePaths(profile);
  return withLock(paths, async () => {
    const previous = await readState(paths);
    const ports = { ...documentedPorts[profile] };
    const missing: ServiceName[] = [];
    for (const service of serviceNames) {
      const port = await runningPort(paths, service, previous?.ports[service]);
      if (port === undefined) missing.push(service);
      else ports[service] = port;
    }
    if (missing.length > 0) await startServices(paths, profile, missing, ports);

    const keep = options.lease === undefined || (previous?.keep ?? false);
    await writeState(paths, { ports, keep });
    if (options.lease !== undefined) await addLease(paths, options.lease);
    return { ...urlsFor(ports), profile, external: false, started: missing };
  });
}

export interface StopOptions {
  /** Release this run's lease, and stop only if no other run holds one and nobody asked to keep them. */
  release?: number;
}

/** Stops the profile's services; returns whether it did. */
export async function stopServices(profile: Profile, options: StopOptions = {}): Promise<boolean> {
  if (externalUrls()) return false;
  const paths = profilePaths(profile);
  return withLock(paths, async () => {
    if (options.release !== undefined) {
      await removeLease(paths, options.release);
      const state = await readState(paths);
      if (state?.keep === true || (await liveLeases(paths)).length > 0) return false;
    }
    for (const service of serviceNames) {
      const pid = await readPid(paths.pidFile[service]);
      if (pid !== undefined) await stopProcess(pid, programs[service]);
      await removeFile(paths.pidFile[service]);
    }
    await removeFile(paths.stateFile);
    await removeFile(paths.leasesDir);
    return true;
  });
}

export async function servicesStatus(profile: Profile): Promise<ServicesStatus> {
  const external = externalUrls();
  const paths = profilePaths(profile);
  const state = await readState(paths);
  const ports = state?.ports ?? documentedPorts[profile];
  const urls = external ?? urlsFor(ports);
  const statusOf = async (service: ServiceName): Promise<ServiceStatus> => {
    const pid = await readPid(paths.pidFile[service]);
    const ours = pid !== undefined && isProgram(pid, programs[service]);
    const port = ports[service];
    return { pid: ours ? pid : undefined, port, answering: ours && (await answers(service, port)) };
  };
  const services = { ferretdb: await statusOf('ferretdb'), redis: await statusOf('redis') };
  return { ...urls, profile, external: external !== undefined, keep: state?.keep ?? false, leases: await liveLeases(paths), services };
}

function externalUrls(): ServiceUrls | undefined {
  const { MONGODB_URI, REDIS_URL } = process.env;
  return MONGODB_URI && REDIS_URL ? { mongodbUri: MONGODB_URI, redisUrl: REDIS_URL } : undefined;
}

function urlsFor(ports: Record<ServiceName, number>): ServiceUrls {
  return { mongodbUri: mongodbUri(ports.ferretdb), redisUrl: redisUrl(ports.redis) };
}

function answers(service: ServiceName, port: number): Promise<boolean> {
  return service === 'ferretdb' ? mongoAnswers(mongodbUri(port)) : redisAnswers(redisUrl(port));
}

/**
 * The port of our running, answering server, or undefined. A server of ours that does not
 * answer within a few seconds is stopped so that it can be started afresh.
 */
async function runningPort(paths: ProfilePaths, service: ServiceName, port: number | undefined): Promise<number | undefined> {
  const pid = await readPid(paths.pidFile[service]);
  if (pid === undefined || !isProgram(pid, programs[service])) {
    await removeFile(paths.pidFile[service]);
    return undefined;
  }
  if (port !== undefined && (await waitForAnswer(service, port, pid, 5_000))) return port;
  await stopProcess(pid, programs[service]);
  await removeFile(paths.pidFile[service]);
  return undefined;
}

async function startServices(paths: ProfilePaths, profile: Profile, services: ServiceName[], ports: Record<ServiceName, number>): Promise<void> {
  // Install everything first so that a failed install leaves nothing half started.
  const binaries: Partial<Record<ServiceName, string>> = {};
  for (const service of services) binaries[service] = service === 'ferretdb' ? await ensureFerretdb() : await ensureRedisServer();

  const started: { service: ServiceName; pid: number }[] = [];
  try {
    for (const service of services) {
      await mkdir(paths.dataDir[service], { recursive: true });
      ports[service] = await choosePort(profile, service);
      const binary = binaries[service] ?? programs[service];
      const pid = await spawnDetached(binary, serverArgs(paths, profile, service, ports[service]), paths.logFile[service], paths.pidFile[service]);
      started.push({ service, pid });
    }
    for (const { service, pid } of started) await waitUntilReady(paths, service, ports[service], pid);
  } catch (error) {
    for (const { service, pid } of started) {
      await stopProcess(pid, programs[service]);
      await removeFile(paths.pidFile[service]);
    }
    throw error;
  }
}

async function choosePort(profile: Profile, service: ServiceName): Promise<number> {
  const documented = documentedPorts[profile][service];
  if (await isPortFree(documented)) return documented;
  const port = await freePort();
  process.stderr.write(`Port ${documented} is taken by another program; ${labels[service]} (${profile}) uses ${port}.\n`);
  return port;
}

function serverArgs(paths: ProfilePaths, profile: Profile, service: ServiceName, port: number): string[] {
  if (service === 'ferretdb') {
    // At warn, FerretDB 1.x dumps the whole wire message of every unsupported command, and the
    // Node driver sends one (endSessions) each time a client closes: the log would grow without end.
    return ['--listen-addr', `127.0.0.1:${port}`, '--data-dir', paths.dataDir.ferretdb, '--log-level', 'error'];
  }
  const common = ['--bind', '127.0.0.1', '--port', String(port), '--dir', paths.dataDir.redis, '--daemonize', 'no', '--appendonly', 'no'];
  // Tests start from nothing; development keeps Redis's default snapshots in .local/dev/redis.
  return profile === 'test' ? [...common, '--save', ''] : [...common, '--dbfilename', 'dump.rdb'];
}

async function waitForAnswer(service: ServiceName, port: number, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(service, port)) return true;
    if (Date.now() > deadline || !isProgram(pid, programs[service])) return false;
    await sleep(200);
  }
}

async function waitUntilReady(paths: ProfilePaths, service: ServiceName, port: number, pid: number): Promise<void> {
  if (await waitForAnswer(service, port, pid, readyTimeoutMs)) return;
  const why = isProgram(pid, programs[service]) ? `did not answer within ${readyTimeoutMs / 1000} s` : 'exited';
  const log = await tailFile(paths.logFile[service]);
  throw new Error(`${labels[service]} on 127.0.0.1:${port} ${why}. End of ${paths.logFile[service]}:\n${log || '(empty)'}`);
}

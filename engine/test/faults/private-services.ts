import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureFerretdb, ensureRedisServer } from '../../../scripts/services/install.js';
import { freePort } from '../../../scripts/services/process.js';
import { mongoAnswers, redisAnswers } from '../../../scripts/services/probe.js';

/**
 * A Redis or FerretDB server of one test's own, on a free port, that the test may stop and start
 * again at will. The services `npm test` started are shared by every other test and are never
 * touched. The server is a child of the test process (not detached): it dies with it.
 */
export interface PrivateServer {
  url: string;
  /** Stops the server (SIGKILL: a crash or a failover; SIGTERM: a restart) and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateServer> {
  const binary = await ensureRedisServer();
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-fault-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--daemonize', 'no', '--appendonly', 'no', '--save', ''];
  return privateServer(url, dir, () => spawn(binary, args, { stdio: 'ignore' }), () => redisAnswers(url));
}

export async function privateFerretdb(): Promise<PrivateServer> {
  const binary = await ensureFerretdb();
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-fault-ferretdb-'));
  const url = `mongodb://127.0.0.1:${port}/`;
  const args = ['--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir, '--log-level', 'error'];
  return privateServer(url, dir, () => spawn(binary, args, { stdio: 'ignore' }), () => mongoAnswers(url));
}

async function privateServer(url: string, dir: string, launch: () => ChildProcess, answers: () => Promise<boolean>): Promise<PrivateServer> {
  let child: ChildProcess | null = null;
  const start = async () => {
    child = launch();
    const deadline = Date.now() + 30_000;
    while (!(await answers())) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`private server ${url} did not come up`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  await start();
  return {
    url,
    start,
    stop,
    dispose: async () => {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

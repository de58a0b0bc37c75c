// Detached server processes: start them with a pid file and a log, recognise them, stop them.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Whether `pid` is a live process running `program`. A pid file can outlive its process and the
 * pid be reused by something else; on Linux the command line tells them apart (a zombie has an
 * empty one). Elsewhere, liveness is all we can check.
 */
export function isProgram(pid: number, program: string): boolean {
  if (!isAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (error) {
    return errorCode(error) !== 'ENOENT' || process.platform !== 'linux';
  }
  return cmdline.includes(program);
}

/**
 * Starts `command` in its own process group, detached from the caller (so Ctrl-C on `npm start`
 * does not reach it and it survives the CLI that started it), appending its output to `logFile`.
 */
export async function spawnDetached(command: string, args: string[], logFile: string, pidFile: string): Promise<number> {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => (child.pid === undefined ? reject(new Error(`${command}: no pid`)) : resolve(child.pid)));
    });
    child.unref();
    await writeFile(pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(pid: number, program: string, graceMs = 10_000): Promise<void> {
  if (!isProgram(pid, program)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(pid, program, graceMs)) return;
  process.kill(pid, 'SIGKILL');
  if (!(await waitForExit(pid, program, 5_000))) throw new Error(`${program} (pid ${pid}) did not exit after SIGKILL`);
}

async function waitForExit(pid: number, program: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isProgram(pid, program)) return true;
    await sleep(100);
  }
  return !isProgram(pid, program);
}

/** Removes a file or a directory tree; a missing one is fine. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true });
}

export async function tailFile(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Whether nothing listens on 127.0.0.1:`port` (a wildcard listener counts as taken). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel considers free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

// npm run services -- up|down|status [--profile dev|test] [--json]
//
// --lease <pid> (up) and --release <pid> (down) are used by scripts/start.mjs and scripts/test.mjs
// so that services they started stop with them, unless they were brought up by hand.
import { parseArgs } from 'node:util';
import { ensureServices, servicesStatus, stopServices, type Profile, type ServicesStatus } from './services.js';

const usage = 'usage: npm run services -- up|down|status [--profile dev|test] [--json]';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'dev' },
      json: { type: 'boolean', default: false },
      lease: { type: 'string' },
      release: { type: 'string' },
    },
  });
  const profile = parseProfile(values.profile);
  const command = positionals[0];

  if (command === 'up') {
    const result = await ensureServices({ profile, lease: parsePid(values.lease) });
    if (values.json) return print(JSON.stringify(result));
    const how = result.external
      ? 'given by MONGODB_URI and REDIS_URL'
      : result.started.length > 0
        ? `started ${result.started.join(' and ')}`
        : 'already running';
    print(`Services (${profile}) ready, ${how}:`);
    print(`  MONGODB_URI=${result.mongodbUri}`);
    print(`  REDIS_URL=${result.redisUrl}`);
  } else if (command === 'down') {
    const stopped = await stopServices(profile, { release: parsePid(values.release) });
    if (values.json) return print(JSON.stringify({ profile, stopped }));
    print(stopped ? `Services (${profile}) stopped.` : `Services (${profile}) left running.`);
  } else if (command === 'status') {
    const status = await servicesStatus(profile);
    print(values.json ? JSON.stringify(status) : describe(status));
  } else {
    throw new Error(usage);
  }
}

function describe(status: ServicesStatus): string {
  if (status.external) return `Using MONGODB_URI=${status.mongodbUri} and REDIS_URL=${status.redisUrl}; nothing local.`;
  const lines = [`Services (${status.profile}):`];
  for (const [name, service] of Object.entries(status.services)) {
    const state = service.pid === undefined ? 'stopped' : service.answering ? `running (pid ${service.pid})` : `not answering (pid ${service.pid})`;
    lines.push(`  ${name.padEnd(9)} 127.0.0.1:${service.port}  ${state}`);
  }
  lines.push(`  MONGODB_URI=${status.mongodbUri}`, `  REDIS_URL=${status.redisUrl}`);
  if (status.keep) lines.push('  kept up until `npm run services -- down`');
  if (status.leases.length > 0) lines.push(`  in use by process ${status.leases.join(', ')}`);
  return lines.join('\n');
}

function parseProfile(value: string | undefined): Profile {
  if (value === 'dev' || value === 'test') return value;
  throw new Error(`--profile must be dev or test, not ${value}`);
}

function parsePid(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const pid = Number(value);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a process id: ${value}`);
  return pid;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

// npm run bench -- <name> [more names]: runs benchmarks from scripts/bench/ against the local
// test services (or MONGODB_URI / REDIS_URL when both are set). Each benchmark prints its figures
// and its ratio to a baseline measured in the same run. Benchmarks never fail a build.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installDependencies, npxCommand, repoRoot, requireNode, run, say, servicesRelease, servicesUp } from '../services/steps.mjs';

requireNode();
const available = readdirSync(join(repoRoot, 'scripts/bench')).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? available : wanted;
const unknown = chosen.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}\n`);
  process.exit(2);
}

await installDependencies();
const services = await servicesUp('test');
let code = 0;
try {
  for (const name of chosen) {
    say(`benchmark ${name}`);
    const env = { ...process.env, MONGODB_URI: services.mongodbUri, REDIS_URL: services.redisUrl, NODE_ENV: 'test' };
    code = Math.max(code, await run(npxCommand, ['tsx', `scripts/bench/${name}.bench.ts`], env));
  }
} finally {
  await servicesRelease('test');
}
process.exit(code);

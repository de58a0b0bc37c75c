/**
 * Database operation cost: the CPU the database server spends per operation of the kinds a
 * campaign message needs, read from the server process's own counters (/proc, so only for a
 * server running on this machine, as the local FerretDB does), and the calls per second one
 * client gets. Baseline, same run: a document inserted in a batch of 50, the cheapest write.
 * From them, the least server CPU a campaign message can cost (`campaign-send` explains it):
 * a claim and four stored webhook documents inserted in batches, a consent read and two recipient
 * updates by `_id` (the settlement with its wamid, then the delivery), against what the machine's
 * cores give per message at a cap of 1,000/s.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MongoClient, type Collection } from 'mongodb';
import { fmt, processCpuSeconds, throughput } from './bench-support.js';

const COUNT = Number(process.env.BENCH_OPS ?? 8000);
const BATCH = 50;

/** CPU seconds the local server process has used, or NaN when it is not a process of this machine. */
function serverCpu(uri: string): () => number {
  const { hostname, port } = new URL(uri);
  let pid: string | undefined;
  try {
    pid = execFileSync('pgrep', ['-f', `(ferretdb|mongod).*${hostname}:${port || '27017'}`]).toString().trim().split('\n')[0];
  } catch {
    pid = undefined;
  }
  return () => (pid ? processCpuSeconds(pid) : Number.NaN);
}

interface RecipientLike {
  _id: string;
  campaignId: string;
  phone: string;
  status: string;
  wamid: string | null;
  timeline: { status: string; at: Date; detail: string | null }[];
}

const recipient = (i: number): RecipientLike => ({
  _id: `cmp:0123456789abcdef01234567:91987${String(1_000_000 + i)}:0`,
  campaignId: '0123456789abcdef01234567',
  phone: `+91987${String(1_000_000 + i)}`,
  status: 'queued',
  wamid: null,
  timeline: [{ status: 'queued', at: new Date(), detail: null }],
});

const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27028/';
const cpu = serverCpu(uri);
const client = await MongoClient.connect(uri, { maxPoolSize: 20 });
const db = client.db(`bench${randomBytes(3).toString('hex')}_opcost`);

/** Runs `fire(i)` for i < count with `concurrency` callers; server CPU ms per unit and units per second. */
async function measure(count: number, concurrency: number, fire: (i: number) => Promise<unknown>): Promise<{ cpuMs: number; perSecond: number }> {
  const before = cpu();
  const perSecond = await throughput(count, concurrency, async (i) => {
    await fire(i);
  });
  return { cpuMs: ((cpu() - before) * 1000) / count, perSecond };
}

try {
  const batched: Collection<RecipientLike> = db.collection('batched');
  const single: Collection<RecipientLike> = db.collection('single');
  for (const collection of [batched, single]) await collection.insertOne(recipient(-1));
  // FerretDB's collection tables get the index its `_id` lookups use shortly after they appear.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const kinds: [string, { cpuMs: number; perSecond: number }][] = [];
  const inserts = await measure(COUNT / BATCH, 1, (b) => batched.insertMany(Array.from({ length: BATCH }, (_, k) => recipient(b * BATCH + k)), { ordered: false }));
  kinds.push(['insert, in batches of 50 (per document)', { cpuMs: inserts.cpuMs / BATCH, perSecond: inserts.perSecond * BATCH }]);
  kinds.push(['insert, one per command', await measure(COUNT / 4, 8, (i) => single.insertOne(recipient(i)))]);
  kinds.push(['read by _id', await measure(COUNT, 8, (i) => batched.findOne({ _id: recipient(i)._id }))]);
  kinds.push(['update by _id ($set and $push)', await measure(COUNT, 8, (i) => batched.updateOne({ _id: recipient(i)._id }, { $set: { status: 'sent', wamid: `wamid.${i}` }, $push: { timeline: { status: 'sent', at: new Date(), detail: null } } }))]);
  const bulk = await measure(COUNT / BATCH, 1, (b) =>
    batched.bulkWrite(
      Array.from({ length: BATCH }, (_, k) => ({ updateOne: { filter: { _id: recipient(b * BATCH + k)._id }, update: { $set: { status: 'delivered' }, $push: { timeline: { status: 'delivered', at: new Date(), detail: null } } } } })),
      { ordered: false },
    ),
  );
  kinds.push(['update by _id, 50 per command (per update)', { cpuMs: bulk.cpuMs / BATCH, perSecond: bulk.perSecond * BATCH }]);

  const baseline = kinds[0]?.[1].cpuMs ?? Number.NaN;
  for (const [name, { cpuMs, perSecond }] of kinds) {
    process.stdout.write(`${name}: ${fmt(cpuMs, 3)} ms of server CPU = ${fmt(cpuMs / baseline, 1)}× the batched insert; ${Math.round(perSecond).toLocaleString()}/s\n`);
  }
  const cost = (name: string): number => kinds.find(([kind]) => kind.startsWith(name))?.[1].cpuMs ?? Number.NaN;
  const floor = 5 * cost('insert, in batches') + cost('read by _id') + 2 * cost('update by _id, 50');
  const cores = availableParallelism();
  process.stdout.write(
    `least server CPU per campaign message (5 batched inserts, 1 read, 2 batched updates): ${fmt(floor, 2)} ms; at 1,000/s that is ${fmt(floor, 2)} cores of the ${cores} here, which give ${fmt(cores, 0)} ms per message for everything\n`,
  );
  if (Number.isNaN(floor)) process.stdout.write('(no server CPU figures: the database server is not a process of this machine)\n');
} finally {
  await db.dropDatabase();
  await client.close();
}

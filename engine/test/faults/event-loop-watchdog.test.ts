import { expect } from 'chai';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { EventLoopWatchdog } from '../../src/platform/runtime/event-loop-watchdog.js';
import { TaskLabels, tasks } from '../../src/platform/runtime/task-labels.js';
import { prometheusText } from '../../src/platform/runtime/metrics.routes.js';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { platformAdminClient } from '../support/fixtures.js';
import { ApiClient } from '../support/api-client.js';

interface StallLine {
  msg: string;
  stalledMs: number;
  task: string | null;
  inFlight: { label: string; forMs: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the event loop, as a poison message or a runaway computation would. */
function busy(ms: number): number {
  const end = performance.now() + ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

function watched(labels: TaskLabels) {
  const lines: StallLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as StallLine);
      done();
    },
  });
  const watchdog = new EventLoopWatchdog(pino({ level: 'warn' }, stream), 200, labels);
  return { watchdog, lines };
}

describe(EventLoopWatchdog.name, () => {
  it('logs a 300 ms busy loop inside a labelled unit of work with its label and duration, and the metrics show it', async () => {
    const labels = new TaskLabels();
    const { watchdog, lines } = watched(labels);
    watchdog.start();
    try {
      await sleep(50);
      await labels.run('webhook item message tenant t-busy', async () => void busy(300));
      await sleep(60);
      const metrics = watchdog.read();
      expect(lines).to.have.length(1);
      expect(lines[0]?.task).to.equal('webhook item message tenant t-busy');
      expect(lines[0]?.stalledMs).to.be.within(280, 1000);
      expect(lines[0]?.msg).to.match(/^event loop blocked for \d+ ms by webhook item message tenant t-busy$/);
      expect(metrics.stalls).to.equal(1);
      expect(metrics.longestStallMs).to.be.at.least(280);
      expect(metrics.delay.max).to.be.at.least(280);
      expect(prometheusText(metrics)).to.include('parley_event_loop_stalls_total 1\n');
    } finally {
      watchdog.stop();
    }
  });

  it('names the units under way when the stall comes after an await, where the label cannot follow', async () => {
    const labels = new TaskLabels();
    const { watchdog, lines } = watched(labels);
    watchdog.start();
    try {
      const waiting = labels.run('job campaign-dispatch', () => sleep(500));
      await labels.run('webhook item status tenant t-late', async () => {
        await sleep(20);
        busy(300);
      });
      await sleep(60);
      await waiting;
      expect(lines).to.have.length(1);
      expect(lines[0]?.task).to.equal(null);
      expect(lines[0]?.inFlight.map((unit) => unit.label)).to.have.members(['job campaign-dispatch', 'webhook item status tenant t-late']);
      expect(lines[0]?.msg).to.include('by one of: ');
    } finally {
      watchdog.stop();
    }
  });

  it('stays quiet for work that holds the loop less than the threshold', async () => {
    const labels = new TaskLabels();
    const { watchdog, lines } = watched(labels);
    watchdog.start();
    try {
      await labels.run('webhook item message tenant t-quick', async () => void busy(60));
      await sleep(60);
      expect(lines).to.deep.equal([]);
      expect(watchdog.read().stalls).to.equal(0);
    } finally {
      watchdog.stop();
    }
  });
});

describe('GET /api/admin/metrics', () => {
  let t: TestEngine;
  before(async () => {
    t = await startTestEngine();
  });
  after(async () => {
    await t.close();
  });

  it('shows platform admins the event-loop delay and the stalls, in Prometheus text, and nobody else', async () => {
    await tasks.run('webhook item message tenant t-metrics', async () => void busy(300));
    await sleep(60);
    const admin = await platformAdminClient(t);
    const response = await fetch(`${t.url}/api/admin/metrics`, { headers: { cookie: admin.sessionCookie ?? '' } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('parley_event_loop_stalls_total')).to.be.at.least(1);
    expect(value('parley_event_loop_longest_stall_seconds')).to.be.at.least(0.28);
    expect(value('parley_event_loop_delay_max_seconds')).to.be.at.least(0.28);
    expect((await new ApiClient(t.url).get('/api/admin/metrics')).status).to.equal(401);
  });
});

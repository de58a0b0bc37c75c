import { expect } from 'chai';
import { KeyedWorkQueue } from './work-queue.js';

/** A job that runs until the test lets it finish. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { open, done };
}

describe('KeyedWorkQueue', () => {
  it('runs jobs of one key in order and jobs of different keys side by side, up to the concurrency', async () => {
    const queue = new KeyedWorkQueue(2);
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    queue.push('a', async () => { log.push('a1'); await gates[0]?.done; });
    queue.push('a', async () => { log.push('a2'); });
    queue.push('b', async () => { log.push('b1'); await gates[1]?.done; });
    queue.push('c', async () => { log.push('c1'); await gates[2]?.done; });
    expect(log).to.deep.equal(['a1', 'b1']);
    expect(queue.size).to.equal(4);
    gates[0]?.open();
    await new Promise((resolve) => setImmediate(resolve));
    // a2 waited for a1; c1 waits for a free worker.
    expect(log).to.deep.equal(['a1', 'b1', 'a2', 'c1']);
    gates[1]?.open();
    gates[2]?.open();
    await queue.idle();
    expect(queue.size).to.equal(0);
  });

  it('starts urgent jobs before the others', async () => {
    const queue = new KeyedWorkQueue(1);
    const log: string[] = [];
    const first = gate();
    queue.push('x', async () => { await first.done; });
    queue.push('y', async () => { log.push('later'); });
    queue.push('z', async () => { log.push('urgent'); }, true);
    first.open();
    await queue.idle();
    expect(log).to.deep.equal(['urgent', 'later']);
  });

  it('asks a concurrency function before each start, and starts more when woken after it rose', async () => {
    let limit = 1;
    const queue = new KeyedWorkQueue(() => limit);
    const gates = Array.from({ length: 4 }, () => gate());
    let running = 0;
    gates.forEach((g, i) => queue.push(`k${i}`, async () => { running++; await g.done; running--; }));
    expect(running).to.equal(1);
    limit = 3;
    expect(running, 'nothing starts before the queue is woken').to.equal(1);
    queue.wake();
    expect(running).to.equal(3);
    for (const g of gates) g.open();
    await queue.idle();
    expect(running).to.equal(0);
  });

  it('keeps a key in order even when a later job of it is urgent', async () => {
    const queue = new KeyedWorkQueue(1);
    const log: string[] = [];
    const first = gate();
    queue.push('busy', async () => { await first.done; });
    queue.push('k', async () => { log.push('k1'); });
    queue.push('k', async () => { log.push('k2 urgent'); }, true);
    queue.push('other', async () => { log.push('other'); });
    first.open();
    await queue.idle();
    expect(log).to.deep.equal(['k1', 'k2 urgent', 'other']);
  });

  it('works through a large backlog with every key in arrival order', async () => {
    const queue = new KeyedWorkQueue(4);
    const seen = new Map<string, number[]>();
    const hold = gate();
    queue.push('hold', async () => { await hold.done; });
    for (let i = 0; i < 50_000; i++) {
      const key = `k${i % 500}`;
      queue.push(key, async () => {
        seen.set(key, [...(seen.get(key) ?? []), i]);
        if (i % 7 === 0) await Promise.resolve();
      });
    }
    expect(queue.size).to.equal(50_001);
    hold.open();
    await queue.idle();
    expect(queue.size).to.equal(0);
    expect(seen.size).to.equal(500);
    for (const [key, order] of seen) {
      expect(order, key).to.have.length(100);
      expect(order, key).to.deep.equal([...order].sort((a, b) => a - b));
    }
  });
});


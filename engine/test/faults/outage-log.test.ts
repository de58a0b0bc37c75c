import { expect } from 'chai';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { OutageLog } from '../../src/platform/runtime/outage-log.js';
import { isOutageError } from '../../src/platform/errors/outage.js';

function capturingLogger() {
  const lines: { level: number; msg: string; failedAttempts?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe(OutageLog.name, () => {
  it('logs the first failure of an outage, then one summary per interval, and the recovery once', async () => {
    const { logger, lines } = capturingLogger();
    let now = 0;
    const outage = new OutageLog(logger, 'redis main', 30_000, () => now);
    for (let attempt = 0; attempt < 100; attempt++) {
      outage.failed(new Error('connect ECONNREFUSED'));
      now += 500;
    }
    outage.recovered();
    outage.recovered();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.msg)).to.deep.equal([
      'redis main: connection lost; reconnecting',
      'redis main: still unreachable; reconnecting',
      'redis main: connection back',
    ]);
    expect(lines[1]?.failedAttempts).to.equal(60);
    expect(outage.isDown).to.equal(false);
  });
});

describe(isOutageError.name, () => {
  it('tells a dependency that is away from a bug', () => {
    const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });
    expect(isOutageError(named('MaxRetriesPerRequestError'))).to.equal(true);
    expect(isOutageError(named('MongoServerSelectionError'))).to.equal(true);
    expect(isOutageError(named('MongoBulkWriteError', 'connect ECONNREFUSED 127.0.0.1:27017'))).to.equal(true);
    expect(isOutageError(new Error('Operation `users.findOne()` buffering timed out after 10000ms'))).to.equal(true);
    expect(isOutageError(new Error('wrapped', { cause: named('MongoNetworkError') }))).to.equal(true);
    expect(isOutageError(new TypeError("Cannot read properties of undefined (reading 'id')"))).to.equal(false);
    expect(isOutageError(named('MongoServerError', 'E11000 duplicate key error'))).to.equal(false);
    expect(isOutageError('ECONNREFUSED')).to.equal(false);
  });
});

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ApiClient } from './support/api-client.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { addMember, onboardTenant, PASSWORD, type TenantFixture } from './support/fixtures.js';
import { tokenMailedTo } from './support/mail.js';

type ErrorResult = { error: { code: string; details?: { retryAfterSeconds?: number } } };

/** An SMTP server that accepts connections and never says a word: a mail to it never finishes. */
async function silentSmtp(): Promise<{ url: string; close(): void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

describe('Limits in front of password checks and resets', () => {
  let t: TestEngine;
  let smtp: { url: string; close(): void };
  let acme: TenantFixture;

  before(async () => {
    smtp = await silentSmtp();
    t = await startTestEngine({
      LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT: '4',
      PASSWORD_RESETS_PER_HOUR_PER_EMAIL: '2',
      PASSWORD_RESETS_PER_HOUR_PER_IP: '8',
      SMTP_URL: smtp.url,
    });
    acme = await onboardTenant(t, 'guarded');
  });
  after(async () => {
    smtp.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('counts every sign-in attempt before the hash: past the per-minute limit even the right password waits', async () => {
    await addMember(t, acme, 'busy@guarded.test', ['care_agent']);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push((await new ApiClient(t.url).post('/api/auth/login', { email: 'busy@guarded.test', password: PASSWORD })).status);
    }
    // Accepting the invitation hashed a password for this account too: it was the first of four.
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
  });

  it('answers a reset request at once and alike whether or not the email has an account, without waiting on the mail server', async () => {
    await addMember(t, acme, 'known@guarded.test', ['sales_agent']);
    const known = await timed(() => new ApiClient(t.url).post('/api/auth/password-reset', { email: 'known@guarded.test' }));
    const unknown = await timed(() => new ApiClient(t.url).post('/api/auth/password-reset', { email: 'unknown@guarded.test' }));
    expect([known.result.status, unknown.result.status]).to.deep.equal([202, 202]);
    expect(known.result.body).to.deep.equal(unknown.result.body);
    // The mail server never answers: a request that waited on it would take its 30-second greeting timeout.
    expect(known.ms).to.be.below(1000);
    expect(unknown.ms).to.be.below(1000);
    expect(await tokenMailedTo(t, 'known@guarded.test', 'password_reset')).to.have.length.greaterThan(20);
  });

  it('rate-limits reset requests per email, known or not, with RATE_LIMITED and a retry time', async () => {
    for (const email of ['known@guarded.test', 'unknown@guarded.test']) {
      const second = await new ApiClient(t.url).post<ErrorResult>('/api/auth/password-reset', { email });
      expect(second.status).to.equal(202);
      const third = await new ApiClient(t.url).post<ErrorResult>('/api/auth/password-reset', { email });
      expect(third.status).to.equal(429);
      expect(third.body.error.code).to.equal('RATE_LIMITED');
      expect(Number(third.headers.get('retry-after'))).to.be.within(1, 3600);
    }
  });

  it('rate-limits reset requests per IP across emails', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await new ApiClient(t.url).post('/api/auth/password-reset', { email: `spray${attempt}@guarded.test` })).status);
    }
    // Six requests were counted above (refused ones too); the IP allows eight an hour.
    expect(statuses).to.deep.equal([202, 202, 429]);
  });
});

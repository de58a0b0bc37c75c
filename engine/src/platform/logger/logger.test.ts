import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { createLogger, httpLogLevel, httpLogSerializers, maskUrl } from './logger.js';

const TOKEN = 'k3Yp9wQbS1ZLh0vXgUe7aR2mNcTfJdO4iW8yBqE5sHx';

/** Serves a few routes through pino-http exactly as the engine's HTTP app wires it, and keeps the log lines. */
async function logOf(requests: { path: string; headers?: Record<string, string> }[]): Promise<string> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = express();
  app.use(pinoHttp({ logger: createLogger('info', sink), serializers: httpLogSerializers, customLogLevel: httpLogLevel }));
  app.use((_req, res) => {
    res.cookie('parley_sid', TOKEN, { httpOnly: true });
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  for (const request of requests) await (await fetch(`http://127.0.0.1:${port}${request.path}`, { headers: request.headers ?? {} })).text();
  server.close();
  return lines.join('');
}

describe(createLogger.name, () => {
  it('keeps session cookies out of the log, in requests and in responses', async () => {
    const log = await logOf([{ path: '/api/auth/me', headers: { cookie: `parley_sid=${TOKEN}` } }]);
    expect(log).to.contain('/api/auth/me');
    expect(log).not.to.contain(TOKEN);
  });

  it('keeps the tokens of invitation and reset links out of the log', async () => {
    const log = await logOf([
      { path: `/invite/${TOKEN}` },
      { path: `/reset-password/${TOKEN}?from=mail` },
      { path: `/api/public/invitations/${TOKEN}/accept` },
    ]);
    expect(log).to.contain('/api/public/invitations/[redacted]/accept');
    expect(log).not.to.contain(TOKEN);
  });

  it('logs an answered webhook at debug, so that an info log has a line per request but none per webhook', async () => {
    const log = await logOf([{ path: '/webhooks/whatsapp' }, { path: '/api/auth/me' }]);
    expect(log).to.contain('/api/auth/me');
    expect(log).not.to.contain('/webhooks/whatsapp');
  });
});

describe(maskUrl.name, () => {
  it('masks secret query values and keeps the rest of the address readable', () => {
    expect(maskUrl('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42')).to.equal(
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=%5Bredacted%5D&hub.challenge=42',
    );
    expect(maskUrl('/api/invitations/65f0c2a9e4b0a1b2c3d4e5f6/revoke')).to.equal('/api/invitations/65f0c2a9e4b0a1b2c3d4e5f6/revoke');
  });
});

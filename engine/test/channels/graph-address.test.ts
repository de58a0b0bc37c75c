import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { ErrorBody } from '@parley/common';
import { encryptSecret } from '../../src/platform/crypto/secrets.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant, type TenantFixture } from '../support/fixtures.js';

/** A server the engine must never reach with a token, or whose answer a tenant must not read. */
interface Upstream {
  url: string;
  hits: { method: string; url: string; authorization: string | undefined }[];
  server: Server;
}

async function upstream(status: number, body: string): Promise<Upstream> {
  const hits: Upstream['hits'] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const CHANNEL = { wabaId: '300000000000001', displayPhoneNumber: '+1 555 010 0009', accessToken: 'tenant-token', appSecret: 'app-secret', verifyToken: 'verify-token' };

describe('Graph API addresses of channels', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let internal: Upstream;

  before(async () => {
    // Only Meta and the simulator's usual `localhost` origin: 127.0.0.1 stands for an internal service.
    t = await startTestEngine({ GRAPH_BASE_URL_ALLOWLIST: 'https://graph.facebook.com,http://localhost:*' });
    tenant = await onboardTenant(t, 'graph-address');
    internal = await upstream(200, '{"data":[{"id":"1","name":"internal secret"}]}');
  });
  after(async () => {
    internal.server.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('refuses a base URL off the allow-list with the field at fault, and claims nothing', async () => {
    for (const graphBaseUrl of [`${internal.url}/v23.0`, 'http://169.254.169.254/latest', `https://graph.facebook.com@${internal.url.slice(7)}`, 'https://graph.facebook.com.', 'http://2130706433:80']) {
      const answer = await tenant.admin.post<ErrorBody>('/api/channels', { ...CHANNEL, phoneNumberId: '100000000000091', graphBaseUrl });
      expect(answer.status, graphBaseUrl).to.equal(400);
      expect(answer.body.error.code).to.equal('VALIDATION_FAILED');
      expect(answer.body.error.details?.fields?.[0]?.field).to.equal('body.graphBaseUrl');
    }
    expect((await tenant.admin.get<unknown[]>('/api/channels')).body).to.deep.equal([]);
    expect(internal.hits).to.deep.equal([]);
  });

  it('refuses without a request a base URL stored before the allow-list existed', async () => {
    const { db, config } = t.engine;
    const sealed = (secret: string) => encryptSecret(secret, config.encryptionKey);
    await db.tenant(tenant.id).collection('channels').insertOne({
      _id: '100000000000092' as never,
      phoneNumberId: '100000000000092',
      wabaId: CHANNEL.wabaId,
      displayPhoneNumber: CHANNEL.displayPhoneNumber,
      graphBaseUrl: `${internal.url}/v23.0`,
      accessTokenSealed: sealed('tenant-token'),
      appSecretSealed: sealed('app-secret'),
      verifyTokenSealed: sealed('verify'),
      qualityRating: 'UNKNOWN',
      messagingTier: 'TIER_250',
      throughput: 80,
      connectedAt: new Date(),
    });
    const answer = await tenant.admin.post<ErrorBody>('/api/templates/sync', {});
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('CONFLICT');
    expect(answer.body.error.message).to.match(/not an allowed WhatsApp address/);
    expect(internal.hits).to.deep.equal([]);
    await db.tenant(tenant.id).collection('channels').deleteOne({ _id: '100000000000092' as never });
  });
});

describe('What a Graph API upstream answered', () => {
  let t: TestEngine;
  let tenant: TenantFixture;
  let proxy: Upstream;

  before(async () => {
    t = await startTestEngine();
    tenant = await onboardTenant(t, 'graph-answer');
    proxy = await upstream(418, 'upstream secret page at 10.1.2.3');
    const connected = await tenant.admin.post('/api/channels', { ...CHANNEL, phoneNumberId: '100000000000093', graphBaseUrl: `${proxy.url}/v23.0` });
    expect(connected.status).to.equal(201);
  });
  after(async () => {
    proxy.server.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('is not shown to the tenant when it is not Meta\'s error: neither its status nor its text', async () => {
    const answer = await tenant.admin.post<ErrorBody>('/api/templates/sync', {});
    expect(proxy.hits).to.have.length(1);
    expect(answer.status).to.equal(502);
    expect(answer.body.error.code).to.equal('BAD_GATEWAY');
    expect(JSON.stringify(answer.body)).not.to.match(/418|secret|10\.1\.2\.3/);
  });
});

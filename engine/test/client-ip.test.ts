import { expect } from 'chai';
import type { AuditEntryView } from '@parley/common';
import { ApiClient } from './support/api-client.js';
import { dropTestData, startTestEngine, type TestEngine } from './support/harness.js';
import { platformAdminClient } from './support/fixtures.js';

type ErrorResult = { error: { code: string } };

/** Fails sign-ins for unknown accounts, each claiming a different client address. */
async function failWithForgedAddresses(t: TestEngine, attempts: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const client = new ApiClient(t.url, { 'x-forwarded-for': `203.0.113.${attempt + 1}` });
    const result = await client.post<ErrorResult>('/api/auth/login', { email: `spoof${attempt}@nowhere.test`, password: 'not-a-password' });
    statuses.push(result.status);
  }
  return statuses;
}

async function auditedAddresses(platform: ApiClient): Promise<(string | null)[]> {
  const audit = await platform.get<AuditEntryView[]>('/api/admin/audit?action=auth.login_failed');
  return audit.body.filter((entry) => entry.actor.email?.startsWith('spoof')).map((entry) => entry.ip);
}

for (const [label, trustProxy] of [
  ['with the default configuration', undefined],
  ['when only a proxy at another address is trusted', '10.9.9.9'],
] as const) {
  describe(`Client address ${label}`, () => {
    let t: TestEngine;
    // Signed in before the failures: every test client shares the blocked loopback address.
    let platform: ApiClient;

    before(async () => {
      t = await startTestEngine({ LOGIN_MAX_FAILURES_PER_IP: '3', ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) });
      platform = await platformAdminClient(t);
    });
    after(async () => {
      await dropTestData(t.engine);
      await t.close();
    });

    it('does not escape the per-IP sign-in limit by forging X-Forwarded-For', async () => {
      const statuses = await failWithForgedAddresses(t, 4);
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
    });

    it('audits the address the connection came from, not the forged one', async () => {
      const addresses = await auditedAddresses(platform);
      expect(addresses).to.have.length.greaterThan(0);
      for (const ip of addresses) expect(ip).to.match(/127\.0\.0\.1$/);
    });
  });
}

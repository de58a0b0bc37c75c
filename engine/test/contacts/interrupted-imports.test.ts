import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ContactImportView, ContactPage, ImportReport, ServerToClientEvents } from '@parley/common';
import { startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { ApiClient } from '../support/api-client.js';
import { spawnEngine } from '../support/engine-process.js';
import { eventually } from '../support/whatsapp.js';
import { importCsv, uploadCsv } from './import-client.js';

const ROWS = 4000;
const MAPPING = { mapping: { phone: 'phone', name: 'name' } };
const MARKETER = 'marketer@imp-crash.test';

/** Brazilian mobiles, one person a row, numbered from `first`. */
function peopleCsv(rows: number, first = 60000000): string {
  return `phone,name\n${Array.from({ length: rows }, (_, i) => `+55119${String(first + i)},Person ${first + i}`).join('\n')}\n`;
}

async function startRun(client: ApiClient, csv: string): Promise<string> {
  const uploaded = await uploadCsv(client, csv);
  expect(uploaded.status).to.equal(201);
  const started = await client.post<ContactImportView>(`/api/contact-imports/${uploaded.body.id}/run`, MAPPING);
  expect(started.status).to.equal(202);
  return uploaded.body.id;
}

describe('Contact imports interrupted by a crash', function () {
  this.timeout(180_000);

  const env = { DB_PREFIX: `c${randomBytes(4).toString('hex')}`, ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  let t: TestEngine;
  let tenant: TenantFixture;
  let marketer: ApiClient;

  before(async () => {
    t = await startTestEngine(env);
    tenant = await onboardTenant(t, 'imp-crash');
    marketer = (await addMember(t, tenant, MARKETER, ['marketer'])).client;
  });
  after(async () => {
    await t.engine.db.dropAll();
    await t.close();
  });

  const statusOf = async (id: string) => (await marketer.get<ImportReport>(`/api/contact-imports/${id}?limit=1`)).body.import;

  it('shows an import whose engine was killed mid-run as failed, in plain words, once it has been silent for the stall time', async () => {
    const crashed = await spawnEngine(env);
    const elsewhere = new ApiClient(crashed.url);
    await elsewhere.login(MARKETER, PASSWORD);
    const id = await startRun(elsewhere, peopleCsv(ROWS));
    crashed.child.kill('SIGKILL');
    await new Promise((resolve) => crashed.child.once('exit', resolve));
    expect((await statusOf(id)).status).to.equal('running');

    // Freshly silent: the periodic sweep leaves it alone until the stall time has passed.
    await t.engine.sweep();
    expect((await statusOf(id)).status).to.equal('running');

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(t.url, { transports: ['websocket'], extraHeaders: { origin: t.url, cookie: marketer.sessionCookie ?? '' }, reconnection: false, forceNew: true });
    const finished: ContactImportView[] = [];
    socket.on('contacts:import-finished', (view) => finished.push(view));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    try {
      expect(await t.engine.services.contacts.imports.failStalled(tenant.id, 0)).to.equal(1);
      const failed = await statusOf(id);
      expect(failed.status).to.equal('failed');
      expect(failed.error).to.match(/server running it went down/).and.to.match(/upload the file again/);
      expect(failed.finishedAt).to.be.a('string');
      const live = await eventually(async () => finished.find((view) => view.id === id), 'the failure, live');
      expect(live.status).to.equal('failed');
    } finally {
      socket.close();
    }
    expect(await t.engine.services.contacts.imports.failStalled(tenant.id, 0)).to.equal(0);
  });

  it('converges when the file is uploaded again after the crash: everyone once, nobody twice', async () => {
    const report = await importCsv(marketer, peopleCsv(ROWS), MAPPING);
    expect(report.import.counts.created + report.import.counts.updated).to.equal(ROWS);
    expect((await marketer.get<ContactPage>('/api/contacts?limit=1')).body.total).to.equal(ROWS);
  });

  it('keeps the failure when the run it was declared for ends after all, rather than flipping back', async () => {
    const id = await startRun(marketer, peopleCsv(ROWS, 70000000));
    expect(await t.engine.services.contacts.imports.failStalled(tenant.id, 0)).to.equal(1);
    await t.engine.services.contacts.imports.idle();
    const ended = await statusOf(id);
    expect(ended.status).to.equal('failed');
    expect(ended.error).to.match(/server running it went down/);
  });

  it('leaves a live import to finish on its own when the sweep passes within the stall time', async () => {
    const id = await startRun(marketer, peopleCsv(50, 80000000));
    expect(await t.engine.services.contacts.imports.failStalled(tenant.id)).to.equal(0);
    await t.engine.services.contacts.imports.idle();
    expect((await statusOf(id)).status).to.equal('completed');
  });
});

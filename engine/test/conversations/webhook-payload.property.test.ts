import { expect } from 'chai';
import fc from 'fast-check';
import { AppError } from '../../src/platform/errors/app-error.js';
import { flattenWebhook, MAX_WEBHOOK_DEPTH, parseWebhookBody } from '../../src/platform/whatsapp/webhook-payload.js';
import { signatureSha256 } from '../../../scripts/whatsapp-simulator/index.js';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { onboardTenant } from '../support/fixtures.js';
import { APP_SECRET, PNID, WABA, connectWhatsApp, type WhatsAppFixture } from '../support/whatsapp.js';

/** Anything at all where a field is expected: wrong types, huge strings, deep nesting. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 60 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
  fc.constantFrom(null, -1, 1e308, '', 'x'.repeat(100_000), [], {}),
);

/** A real-looking envelope for the connected number, with one field replaced by `value`. */
const envelopeWith = fc.record({ path: fc.constantFrom('entry', 'entry.0', 'entry.0.id', 'entry.0.time', 'entry.0.changes', 'change', 'change.field', 'change.value', 'value.metadata', 'value.messages', 'message', 'message.id', 'message.type', 'message.timestamp', 'message.text', 'value.statuses', 'value.contacts'), value: hostileValue }).map(({ path, value }) => {
  const message: Record<string, unknown> = { from: '447700666000', id: 'wamid.fuzz', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } };
  const val: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PNID }, contacts: [{ wa_id: '447700666000' }], messages: [message] };
  const change: Record<string, unknown> = { field: 'messages', value: val };
  const entry: Record<string, unknown> = { id: WABA, changes: [change] };
  const envelope: Record<string, unknown> = { object: 'whatsapp_business_account', entry: [entry] };
  const [where, key] = path.split('.');
  const target = { entry: where === 'entry' && key === undefined ? envelope : entry, change, value: val, message }[where === 'entry' && key !== undefined && key !== '0' ? 'entry' : where === 'entry' && key === '0' ? 'entry' : (where as 'change' | 'value' | 'message')];
  if (path === 'entry') envelope.entry = value;
  else if (path === 'entry.0') envelope.entry = [value];
  else if (path === 'change') entry.changes = [value];
  else if (path === 'message') val.messages = [value];
  else if (key) target[key] = value;
  return envelope;
});

function parsesOrRefuses(raw: Buffer): void {
  try {
    const items = flattenWebhook(parseWebhookBody(raw));
    for (const item of items) expect(item.key).to.be.a('string');
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(AppError);
    expect((error as AppError).status).to.equal(400);
  }
}

describe(parseWebhookBody.name, () => {
  it('parses or refuses with a 400 any JSON, any bytes and any field of the wrong type, never anything else', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => parsesOrRefuses(Buffer.from(JSON.stringify(value) ?? 'null'))), { numRuns: 200 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => parsesOrRefuses(Buffer.from(bytes))), { numRuns: 200 });
    fc.assert(fc.property(envelopeWith, (envelope) => parsesOrRefuses(Buffer.from(JSON.stringify(envelope)))), { numRuns: 300 });
  });

  it('refuses nesting past its cap before parsing, in linear time whatever the depth', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_WEBHOOK_DEPTH + 1, max: 1_000_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        const raw = Buffer.from(`${open.repeat(depth)}1`);
        const started = performance.now();
        expect(() => parseWebhookBody(raw)).to.throw(AppError, /nests deeper/);
        expect(performance.now() - started).to.be.below(200);
      }),
      { numRuns: 20 },
    );
  });
});

describe('Webhook endpoint under hostile signed payloads', () => {
  let t: TestEngine;
  let wa: WhatsAppFixture;

  before(async () => {
    t = await startTestEngine();
    wa = await connectWhatsApp(t, await onboardTenant(t, 'payload-fuzz'));
  });
  after(async () => {
    await wa.close();
    await dropTestData(t.engine);
    await t.close();
  });

  it('answers every payload signed with the app secret with 200 or a 4xx, never a 500', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(envelopeWith, async (envelope) => {
        const raw = Buffer.from(JSON.stringify(envelope));
        const response = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureSha256(APP_SECRET, raw) }, body: raw });
        expect([200, 400, 401, 413], `${response.status} ${await response.text()}`).to.include(response.status);
      }),
      { numRuns: 120 },
    );
    await t.engine.services.webhooks.idle();
    const readiness = await fetch(`${t.url}/readyz`);
    expect(readiness.status).to.equal(200);
  });
});

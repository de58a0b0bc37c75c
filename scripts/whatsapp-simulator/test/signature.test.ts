import { expect } from 'chai';
import { metaJson, signatureSha256, type Simulator } from '../index.js';
import { control, inject, SECRET, signatureValid, startReceiver, startSim, waitFor, type Receiver } from './helpers.js';

describe('Webhook signature', () => {
  let receiver: Receiver;
  let sim: Simulator;

  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSim(receiver);
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('escapes non-ASCII as lowercase \\uXXXX, emoji as surrogate pairs', () => {
    expect(metaJson({ name: 'José 👍' })).to.equal('{"name":"Jos\\u00e9 \\ud83d\\udc4d"}');
  });

  it('signs the exact escaped bytes, so a receiver verifying raw bytes accepts it', async () => {
    await inject(sim, { from: '5511987654321', name: 'Ana Conceição', text: 'Olá, não consigo acessar ✨' });
    const [received] = await waitFor(() => receiver.received.length === 1 && receiver.received, 'webhook');
    if (!received) throw new Error('no webhook');
    const raw = received.raw.toString('latin1');
    expect(raw).to.contain('Ana Concei\\u00e7\\u00e3o');
    expect(raw).to.contain('\\u2728');
    expect([...received.raw].every((byte) => byte < 0x80)).to.equal(true);
    expect(signatureValid(received)).to.equal(true);
    expect(received.headers['x-hub-signature-256']).to.equal(signatureSha256(SECRET, received.raw));
    expect(received.body.entry[0]?.changes[0]?.value.contacts?.[0]?.profile?.name).to.equal('Ana Conceição');
  });

  it('fails verification when the receiver re-serialises the parsed body', async () => {
    await inject(sim, { from: '34612345678', name: 'José Martínez', text: '¿cuánto cuesta?' });
    const [received] = await waitFor(() => receiver.received.length === 1 && receiver.received, 'webhook');
    if (!received) throw new Error('no webhook');
    const reserialised = Buffer.from(JSON.stringify(received.body), 'utf8');
    expect(signatureValid({ ...received, raw: reserialised })).to.equal(false);
  });

  it('signs with a wrong secret when asked, so receivers can prove they reject it', async () => {
    await control(sim, 'POST', '/chaos', { wrongSecret: true });
    await inject(sim, { from: '16505551234', text: 'hi' });
    const [received] = await waitFor(() => receiver.received.length === 1 && receiver.received, 'webhook');
    if (!received) throw new Error('no webhook');
    expect(signatureValid(received)).to.equal(false);
  });
});

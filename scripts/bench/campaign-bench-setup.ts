import { customerIdOf, phoneIdentityKey, type Engine } from '@parley/engine';

/** The benchmarks' marketing template, as the simulator's control API creates it (approved). */
export const benchTemplate = { wabaId: '200000000000001', name: 'bench_offer', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}, fibre is on sale.', example: { body_text: [['Ana']] } }] };

/** Creates the bench template, approved, at a simulator. */
export async function approveBenchTemplate(simUrl: string): Promise<void> {
  await fetch(`${simUrl}/__sim/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(benchTemplate) });
}

/** A marketing template approved at the simulator and synced, and N consenting customers. */
export async function campaignFixture(engine: Engine, sim: { url: string }, tenantId: string, recipients: number): Promise<{ templateId: string; adminId: string }> {
  await approveBenchTemplate(sim.url);
  const templates = await engine.services.templates.sync(tenantId);
  const template = templates.find((t) => t.name === benchTemplate.name);
  if (!template) throw new Error('the bench template was not synced');
  await seedContacts(engine, tenantId, recipients, (i) => `9198${String(10_000_000 + i)}`);
  const admins = await engine.services.users.list(tenantId);
  return { templateId: template.id, adminId: admins[0]?.id ?? 'bench' };
}

export const benchActor = { id: 'bench', name: 'Bench', email: 'bench@parley.local', ip: null };

/**
 * N consenting contacts, as an import stores them (keyed ids), straight into the collection:
 * what the benchmark measures comes after. `digitsOf(i)` gives the i-th number without "+".
 */
export async function seedContacts(engine: Engine, tenantId: string, count: number, digitsOf: (i: number) => string): Promise<void> {
  const now = new Date();
  const customers = engine.services.customers.customers(tenantId);
  for (let i = 0; i < count; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, count - i) }, (_, k) => {
      const phone = `+${digitsOf(i + k)}`;
      const identityKey = phoneIdentityKey(phone);
      return { _id: customerIdOf(tenantId, identityKey), identityKey, waId: null, userId: null, phone, name: `Person ${i + k}`, marketingConsent: 'granted' as const, consentUpdatedAt: now, unreachable: false, tags: [], listIds: [], attributes: {}, country: null, email: null, source: 'import' as const, createdAt: now, lastSeenAt: now };
    });
    await customers.insertMany(docs, { ordered: false });
  }
}

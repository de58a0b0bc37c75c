import type { Engine } from '@parley/engine';
import type { Simulator } from '../whatsapp-simulator/index.js';

/** A marketing template approved at the simulator and synced, and N consenting customers. */
export async function campaignFixture(engine: Engine, sim: Simulator, tenantId: string, recipients: number): Promise<{ templateId: string; adminId: string }> {
  await fetch(`${sim.url}/__sim/templates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wabaId: '200000000000001', name: 'bench_offer', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}, fibre is on sale.', example: { body_text: [['Ana']] } }] }),
  });
  const templates = await engine.services.templates.sync(tenantId);
  const template = templates.find((t) => t.name === 'bench_offer');
  if (!template) throw new Error('the bench template was not synced');
  const now = new Date();
  const customers = engine.services.customers.customers(tenantId);
  for (let i = 0; i < recipients; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, recipients - i) }, (_, k) => {
      const digits = `9198${String(10_000_000 + i + k)}`;
      return { identityKey: `wa:${digits}`, waId: null, userId: null, phone: `+${digits}`, name: `Person ${i + k}`, marketingConsent: 'granted' as const, consentUpdatedAt: now, unreachable: false, tags: [], listIds: [], attributes: {}, country: 'IN', email: null, source: 'import' as const, createdAt: now, lastSeenAt: now };
    });
    await customers.insertMany(docs, { ordered: false });
  }
  const admins = await engine.services.users.list(tenantId);
  return { templateId: template.id, adminId: admins[0]?.id ?? 'bench' };
}

export const benchActor = { id: 'bench', name: 'Bench', email: 'bench@parley.local', ip: null };

import { lookupBodySchema, type LookupKind } from '@parley/common';
import type { Engine } from '@parley/engine';

type Row = { name: string; synonyms: string[]; description: string; reply: string; price?: number; queue?: 'care' | 'sales' };

/** A telecom's tables, so that the simulated customers' questions find answers. */
const DEMO_LOOKUPS: Record<LookupKind, Row[]> = {
  services: [
    { name: 'Opening hours', synonyms: ['hours', 'open', 'horario', 'horário'], description: 'When our shops and lines are open', reply: 'We are open Monday to Friday 08:00–20:00 and Saturday 09:00–13:00.' },
    { name: 'Coverage check', synonyms: ['coverage', 'cobertura', 'available in my area'], description: 'Is fibre available at your address?', reply: 'Send us your postcode and we will check fibre coverage at your address.' },
  ],
  products: [
    { name: 'Fibre 500', synonyms: ['fiber 500', 'fibra 500', '500 mb', '500 mega'], description: '500 Mb/s home fibre', reply: 'Fibre 500 is $29 a month. A sales advisor will send you a quotation.', price: 29, queue: 'sales' },
    { name: 'Fibre 1 Gig', synonyms: ['1 gig', 'gigabit', 'fiber 1000', 'fibra 1000', '1 giga'], description: '1 Gb/s home fibre', reply: 'Fibre 1 Gig is $45 a month. A sales advisor will send you a quotation.', price: 45, queue: 'sales' },
    { name: 'Mobile Unlimited', synonyms: ['unlimited data', 'datos ilimitados', 'dados ilimitados', 'mobile plan', 'plan movil'], description: 'Unlimited mobile data', reply: 'Mobile Unlimited is $25 a month. A sales advisor will follow up.', price: 25, queue: 'sales' },
  ],
  issues: [
    { name: 'No internet', synonyms: ['internet down', 'no connection', 'sin internet', 'sem internet', 'offline'], description: 'The connection is down', reply: 'Sorry about that. We opened a ticket and an agent will help you shortly.', queue: 'care' },
    { name: 'Slow connection', synonyms: ['slow', 'lento', 'lenta', 'speed'], description: 'The connection is slow', reply: 'We opened a ticket for the speed problem; an agent will be with you soon.', queue: 'care' },
    { name: 'Billing problem', synonyms: ['bill', 'invoice', 'charged twice', 'factura', 'fatura', 'cobranca'], description: 'A question about a bill', reply: 'We opened a billing ticket; an agent will look at your invoice.', queue: 'care' },
  ],
};

export async function seedDemoLookups(engine: Engine, tenantId: string, actor: { id: string; email: string }): Promise<void> {
  const { lookups } = engine.services.bot;
  for (const kind of Object.keys(DEMO_LOOKUPS) as LookupKind[]) {
    const existing = new Set((await lookups.list(tenantId, kind)).map((row) => row.name));
    for (const row of DEMO_LOOKUPS[kind]) {
      if (existing.has(row.name)) continue;
      await lookups.create(tenantId, kind, lookupBodySchema.parse({ ...row, price: row.price ?? null, queue: row.queue ?? null }), { ...actor, ip: null });
    }
  }
}

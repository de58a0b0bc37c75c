import { Readable } from 'node:stream';
import type { Engine } from '@parley/engine';
import { PERSONAS } from '../whatsapp-simulator/customers/personas.js';

const LIST = 'Newsletter';
const SEGMENT = 'Opted-in fibre customers';
const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sofia', 'Lucas', 'Mia', 'Ethan', 'Isabela', 'Leo'];
const LAST = ['Silva', 'Smith', 'García', 'Okafor', 'Patel', 'Costa', 'Brown', 'López', 'Nguyen', 'Rossi'];

/**
 * About 50 newsletter contacts, imported the way a marketer would (so every consent has its
 * ledger evidence): the simulator's customers, who answer campaigns, and generated people. Most
 * opted in on the website, a few opted out, a few never said.
 */
function newsletterCsv(): string {
  const lines = ['phone,name,email,tags,consent,consent_source,consent_time,plan,city'];
  PERSONAS.forEach((p, i) => lines.push(`${p.phone},${p.name},,${i % 2 ? 'fibre' : 'mobile;fibre'},granted,website signup,2025-0${1 + i}-10T12:00:00Z,${i % 2 ? 'Fibre 500' : 'Fibre 1 Gig'},`));
  for (let i = 0; i < 44; i++) {
    const name = `${FIRST[i % FIRST.length] ?? 'Alex'} ${LAST[i % LAST.length] ?? 'Lee'}`;
    const consent = i % 11 === 3 ? 'revoked' : i % 11 === 7 ? '' : 'granted';
    const source = consent === 'granted' ? (i % 2 ? 'store sign-up sheet' : 'website signup') : consent === 'revoked' ? 'unsubscribed by email' : '';
    const tags = [i % 3 === 0 ? 'fibre' : 'mobile', i % 5 === 0 ? 'vip' : ''].filter(Boolean).join(';');
    lines.push(`+1 415 555 ${String(200 + i).padStart(4, '0')},${name},${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com,${tags},${consent},${source},${consent ? `2025-03-${String(1 + (i % 28)).padStart(2, '0')}` : ''},${i % 3 === 0 ? 'Fibre 500' : 'Mobile Unlimited'},${i % 2 ? 'San Francisco' : 'Oakland'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Idempotent: a tenant that already has the list keeps what it has. */
export async function seedDemoContacts(engine: Engine, tenantId: string, userId: string): Promise<void> {
  const contacts = engine.services.contacts;
  if (!(await contacts.listsService.list(tenantId)).some((l) => l.name === LIST)) {
    const uploaded = await contacts.imports.upload(tenantId, Readable.from([Buffer.from(newsletterCsv())]), 'newsletter.csv', userId);
    await contacts.imports.run(
      tenantId,
      uploaded.id,
      {
        mapping: { phone: 'phone', name: 'name', email: 'email', tags: 'tags', consentStatus: 'consent', consentSource: 'consent_source', consentTime: 'consent_time', attributes: [{ column: 'plan', key: 'plan' }, { column: 'city', key: 'city' }] },
        listId: null,
        newListName: LIST,
        addTags: ['newsletter'],
      },
      userId,
    );
    await contacts.imports.idle();
  }
  if (!(await contacts.segmentsService.list(tenantId)).some((s) => s.name === SEGMENT)) {
    await contacts.segmentsService.create(
      tenantId,
      { name: SEGMENT, filter: { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'fibre' }, { field: 'consent', op: 'is', value: 'granted' }] } },
      userId,
    );
  }
}

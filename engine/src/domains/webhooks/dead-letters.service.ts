import type { DeadLetterList, DeadLetterView } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { AuditService } from '../audit/index.js';
import type { QuarantineRepository } from './quarantine.repository.js';
import type { DeadLetterDoc } from './webhooks.model.js';

export interface PlatformActor {
  id: string;
  email: string;
  ip: string | null;
}

/** What dead letters need from elsewhere, handed in at composition. */
export interface DeadLetterPorts {
  quarantine: QuarantineRepository;
  audit: Pick<AuditService, 'recordPlatform'>;
  tenantName(tenantId: string): Promise<string | null>;
  /** Processes items now, as the intake does after its 200. */
  process(tenantId: string, items: WebhookItem[]): void;
}

const LISTED = 200;

/** Webhook items parked after failed processing: listed for platform admins, retried or discarded by them. */
export class DeadLettersService {
  constructor(private readonly ports: DeadLetterPorts) {}

  async list(): Promise<DeadLetterList> {
    const [count, docs] = await Promise.all([this.ports.quarantine.countDeadLetters(), this.ports.quarantine.listDeadLetters(LISTED)]);
    const names = new Map<string, string | null>();
    for (const tenantId of new Set(docs.map((doc) => doc.tenantId))) names.set(tenantId, await this.ports.tenantName(tenantId));
    return { count, items: docs.map((doc) => toView(doc, names.get(doc.tenantId) ?? null)) };
  }

  /** Gives the item a new round of attempts, starting now. */
  async retry(id: string, actor: PlatformActor): Promise<void> {
    const doc = await this.find(id);
    const item = await this.ports.quarantine.storedItem(doc.tenantId, doc.key);
    if (!item) {
      await this.ports.quarantine.discard(doc.tenantId, doc.key);
      throw new AppError('NOT_FOUND', 'The stored webhook item is gone (pruned); it was taken off the list');
    }
    await this.ports.quarantine.unpark(doc.tenantId, doc.key);
    await this.audited('webhook.dead_letter_retried', doc, actor);
    this.ports.process(doc.tenantId, [item]);
  }

  /** Never processes the item; Meta redelivering it is still recognised as a duplicate. */
  async discard(id: string, actor: PlatformActor): Promise<void> {
    const doc = await this.find(id);
    await this.ports.quarantine.discard(doc.tenantId, doc.key);
    await this.audited('webhook.dead_letter_discarded', doc, actor);
  }

  private async find(id: string): Promise<DeadLetterDoc> {
    const doc = await this.ports.quarantine.deadLetter(id);
    if (!doc) throw AppError.notFound('Dead letter');
    return doc;
  }

  private async audited(action: 'webhook.dead_letter_retried' | 'webhook.dead_letter_discarded', doc: DeadLetterDoc, actor: PlatformActor): Promise<void> {
    await this.ports.audit.recordPlatform({
      action,
      actor: { id: actor.id, email: actor.email },
      target: { type: 'dead_letter', id: doc._id, label: doc.key },
      before: { tenantId: doc.tenantId, kind: doc.kind, reason: doc.reason, attempts: doc.attempts, firstSeenAt: doc.firstSeenAt.toISOString() },
      ip: actor.ip,
    });
  }
}

function toView(doc: DeadLetterDoc, tenantName: string | null): DeadLetterView {
  return {
    id: doc._id,
    tenantId: doc.tenantId,
    tenantName,
    key: doc.key,
    kind: doc.kind,
    reason: doc.reason,
    attempts: doc.attempts,
    payloadBytes: doc.payloadBytes,
    firstSeenAt: doc.firstSeenAt.toISOString(),
    parkedAt: doc.parkedAt.toISOString(),
  };
}

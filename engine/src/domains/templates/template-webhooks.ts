import type { Model } from 'mongoose';
import { TEMPLATE_CATEGORIES, TEMPLATE_QUALITIES, type TemplateStatus } from '@parley/common';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { AuditService } from '../audit/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { categoryNotice, explainStatus, statusNotice } from './template-notices.js';
import { statusOf } from './template-view.js';
import type { TemplateDoc, TemplateEventDoc } from './templates.model.js';

/** What campaigns are told when WhatsApp changes a template's status (`DELETED` when it is gone). */
export interface TemplateStatusChange {
  templateId: string;
  name: string;
  language: string;
  status: TemplateStatus | 'DELETED';
  reason: string | null;
}

export interface TemplateEvent {
  field: string;
  key: string;
  value: Record<string, unknown>;
  time?: number;
}

export interface TemplateWebhookPorts {
  templates: (tenantId: string) => Model<TemplateDoc>;
  events: (tenantId: string) => Model<TemplateEventDoc>;
  audit: AuditService;
  notifications: Pick<NotificationsService, 'notify'>;
  sync: (tenantId: string) => Promise<unknown>;
  updated: (tenantId: string, doc: TemplateDoc) => void;
  removed: (tenantId: string, id: string) => void;
  statusChanged: (tenantId: string, change: TemplateStatusChange) => Promise<void>;
}

const WHATSAPP = { id: null, email: null };
const GONE = new Set(['DELETED', 'PENDING_DELETION']);

/**
 * Applies template webhooks (§1.6) to the local copy straight from their payload. Each is applied
 * once, keyed by `(message_template_id, event, entry.time)` as §1.7 advises; the key is written
 * after the change, so an attempt that failed halfway is applied again by the webhook sweeper.
 */
export class TemplateWebhooks {
  constructor(private readonly ports: TemplateWebhookPorts) {}

  async handle(tenantId: string, event: TemplateEvent): Promise<void> {
    if (event.field === 'message_template_components_update') {
      await this.ports.sync(tenantId);
      return;
    }
    const graphId = event.value.message_template_id;
    if (typeof graphId !== 'number' && typeof graphId !== 'string') return;
    const what = this.describe(event);
    if (!what) return;
    // The id is a number in webhooks and a string in the REST API (§1.6).
    const key = `${String(graphId)}:${what}:${event.time ?? event.key}`;
    if (await this.ports.events(tenantId).exists({ _id: key })) return;
    const doc = await this.find(tenantId, String(graphId), GONE.has(what));
    if (doc) {
      if (event.field === 'message_template_status_update') await this.status(tenantId, doc, event, key);
      else if (event.field === 'message_template_quality_update') await this.quality(tenantId, doc, event);
      else await this.category(tenantId, doc, event, key);
    }
    await this.ports.events(tenantId).create({ _id: key, at: new Date() }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  private describe(event: TemplateEvent): string | null {
    const value = event.value;
    if (event.field === 'message_template_status_update') return typeof value.event === 'string' ? value.event.toUpperCase() : null;
    if (event.field === 'message_template_quality_update') return `QUALITY_${String(value.new_quality_score)}`;
    if (event.field === 'template_category_update') return `CATEGORY_${String(value.new_category ?? value.correct_category)}`;
    return null;
  }

  /** A template made in WhatsApp Manager is unknown here until a resync brings it in. */
  private async find(tenantId: string, graphId: string, gone: boolean): Promise<TemplateDoc | null> {
    const local = await this.ports.templates(tenantId).findOne({ graphId }).lean();
    if (local || gone) return local;
    await this.ports.sync(tenantId);
    return this.ports.templates(tenantId).findOne({ graphId }).lean();
  }

  private async status(tenantId: string, doc: TemplateDoc, event: TemplateEvent, key: string): Promise<void> {
    const raw = String(event.value.event).toUpperCase();
    const time = event.time ?? 0;
    if (time < doc.lastEventTime) return;
    const id = String(doc._id);
    const reason = explainStatus(event.value);
    const before = { status: doc.status, reason: doc.reasonText };
    if (GONE.has(raw)) {
      await this.ports.templates(tenantId).deleteOne({ _id: doc._id });
      await this.record(tenantId, doc, before, null);
      this.ports.removed(tenantId, id);
      await this.ports.statusChanged(tenantId, { templateId: id, name: doc.name, language: doc.language, status: 'DELETED', reason: reason.text });
      return;
    }
    const status = statusOf(raw);
    if (!status) return;
    const set = { status, reasonCode: reason.code, reasonText: reason.text, lastEventTime: time, updatedAt: new Date() };
    await this.ports.templates(tenantId).updateOne({ _id: doc._id }, { $set: set });
    const next = { ...doc, ...set };
    await this.record(tenantId, doc, before, { status, reason: reason.text });
    this.ports.updated(tenantId, next);
    await this.ports.statusChanged(tenantId, { templateId: id, name: doc.name, language: doc.language, status, reason: reason.text });
    const notice = statusNotice(`template:${key}`, { id, name: doc.name, language: doc.language }, status, reason.text);
    if (notice) await this.ports.notifications.notify(tenantId, notice);
  }

  private async quality(tenantId: string, doc: TemplateDoc, event: TemplateEvent): Promise<void> {
    const quality = TEMPLATE_QUALITIES.find((q) => q === event.value.new_quality_score);
    if (!quality || quality === doc.quality) return;
    await this.ports.templates(tenantId).updateOne({ _id: doc._id }, { $set: { quality, updatedAt: new Date() } });
    this.ports.updated(tenantId, { ...doc, quality, updatedAt: new Date() });
  }

  private async category(tenantId: string, doc: TemplateDoc, event: TemplateEvent, key: string): Promise<void> {
    const raw = String(event.value.new_category ?? event.value.correct_category ?? '').toUpperCase();
    const category = TEMPLATE_CATEGORIES.find((c) => c === raw);
    if (!category || category === doc.category) return;
    await this.ports.templates(tenantId).updateOne({ _id: doc._id }, { $set: { category, updatedAt: new Date() } });
    await this.ports.audit.recordTenant(tenantId, {
      action: 'template.updated',
      actor: WHATSAPP,
      target: { type: 'template', id: String(doc._id), label: `${doc.name} (${doc.language})` },
      before: { category: doc.category },
      after: { category },
    });
    this.ports.updated(tenantId, { ...doc, category, updatedAt: new Date() });
    await this.ports.notifications.notify(tenantId, categoryNotice(`template:${key}`, { id: String(doc._id), name: doc.name, language: doc.language }, doc.category, category));
  }

  private async record(tenantId: string, doc: TemplateDoc, before: unknown, after: unknown): Promise<void> {
    await this.ports.audit.recordTenant(tenantId, {
      action: 'template.status_changed',
      actor: WHATSAPP,
      target: { type: 'template', id: String(doc._id), label: `${doc.name} (${doc.language})` },
      before,
      after,
    });
  }
}

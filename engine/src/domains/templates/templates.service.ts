import { Types, type Model } from 'mongoose';
import {
  lintTemplate,
  ROOMS,
  type CreateTemplateBody,
  type FieldIssue,
  type SendTemplateBody,
  type TemplateValues,
  type TemplateView,
  type UpdateTemplateBody,
} from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { GraphError, type GraphClient } from '../../platform/whatsapp/graph-client.js';
import type { AuditService } from '../audit/index.js';
import type { ChannelsService, OpenChannel } from '../channels/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { templateGraphError } from './template-errors.js';
import { buildTemplateMessage, type TemplateMessage } from './template-send.js';
import { contentFields, contentOf, toView } from './template-view.js';
import { TemplateWebhooks, type TemplateEvent, type TemplateStatusChange } from './template-webhooks.js';
import { TemplateSync } from './template-sync.js';
import { templateEventSchema, templateSchema, type TemplateDoc, type TemplateEventDoc } from './templates.model.js';

export type Actor = { id: string; email: string; ip: string | null };
/**
 * Told of every status WhatsApp gives a template. Awaited: if a listener fails, the webhook is
 * processed again later, so listeners must be idempotent.
 */
export type TemplateStatusListener = (tenantId: string, change: TemplateStatusChange) => void | Promise<void>;

/**
 * WhatsApp message templates: drafted here, linted, submitted to and reviewed by Meta, then
 * kept in step by webhooks. The local copy is what the inbox and campaigns send from.
 */
export class TemplatesService {
  private readonly templates: (tenantId: string) => Model<TemplateDoc>;
  private readonly listeners: TemplateStatusListener[] = [];
  private readonly webhooks: TemplateWebhooks;
  private readonly syncer: TemplateSync;

  constructor(
    db: Database,
    private readonly channels: ChannelsService,
    private readonly graph: GraphClient,
    private readonly audit: AuditService,
    notifications: Pick<NotificationsService, 'notify'>,
    private readonly realtime: RealtimeEmitter,
  ) {
    this.templates = db.defineTenantModel('Template', templateSchema);
    const events = db.defineTenantModel<TemplateEventDoc>('TemplateEvent', templateEventSchema);
    this.syncer = new TemplateSync(this.templates, channels, graph);
    this.webhooks = new TemplateWebhooks({
      templates: this.templates,
      events,
      audit,
      notifications,
      sync: (tenantId) => this.sync(tenantId),
      updated: (tenantId, doc) => this.publish(tenantId, doc),
      removed: (tenantId, id) => this.realtime.toRooms([ROOMS.readers(tenantId, 'Template')], 'template:deleted', { id }),
      statusChanged: (tenantId, change) => this.tellListeners(tenantId, change),
    });
  }

  /** Campaigns pause when a template they send is paused or disabled. */
  onTemplateStatusChanged(listener: TemplateStatusListener): void {
    this.listeners.push(listener);
  }

  async list(tenantId: string, onlyApproved = false): Promise<TemplateView[]> {
    const docs = await this.templates(tenantId).find(onlyApproved ? { status: 'APPROVED' } : {}).sort({ name: 1, language: 1 }).lean();
    return docs.map(toView);
  }

  async get(tenantId: string, templateId: string): Promise<TemplateView> {
    return toView(await this.load(tenantId, templateId));
  }

  /** Refreshes the local copies from the Graph API (drafts stay as they are). */
  async sync(tenantId: string): Promise<TemplateView[]> {
    // Only WhatsApp's failures are worded for people; a database error stays what it is.
    await this.syncer.run(tenantId).catch((error: unknown) => Promise.reject(error instanceof GraphError ? templateGraphError(error, 'list the templates') : error));
    return this.list(tenantId);
  }

  async create(tenantId: string, body: CreateTemplateBody, actor: Actor): Promise<TemplateView> {
    const { submit, name, language, category, ...content } = body;
    // A draft may be unfinished, but its name and language are its identity at WhatsApp.
    const problems = lintTemplate({ name, language, category, ...content }).filter((p) => submit || p.field === 'name');
    if (problems.length > 0) throw lintFailure(problems);
    const [channel] = await this.channels.openAll(tenantId);
    if (!channel) throw new AppError('CONFLICT', 'Connect a WhatsApp number first (WhatsApp numbers): templates belong to its business account.');
    const now = new Date();
    const doc: TemplateDoc = {
      _id: new Types.ObjectId(),
      graphId: null,
      wabaId: channel.wabaId,
      name,
      language,
      category,
      status: 'DRAFT',
      quality: 'UNKNOWN',
      reasonCode: null,
      reasonText: null,
      ...contentFields(content),
      lastEventTime: 0,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
    };
    try {
      await this.templates(tenantId).create(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new AppError('CONFLICT', `A template named ${name} already exists in ${language}`, { fields: [{ field: 'body.name', message: `already exists in ${language}` }] });
    }
    let saved = doc;
    if (submit) {
      // Refused by WhatsApp: nothing is kept, as if the request had never come. Had the answer been
      // lost after WhatsApp took it, the next sync (or its review webhook) brings the template in.
      saved = await this.submitDoc(tenantId, channel, doc).catch(async (error: unknown) => {
        await this.templates(tenantId).deleteOne({ _id: doc._id });
        throw error;
      });
    }
    await this.record(tenantId, 'template.created', actor, saved, null, summary(saved));
    if (submit) await this.record(tenantId, 'template.submitted', actor, saved, summary(doc), summary(saved));
    return this.publish(tenantId, saved);
  }

  /** Meta's rules (§3.2): only approved, rejected or paused templates are edited, and each edit is reviewed again. */
  async update(tenantId: string, templateId: string, body: UpdateTemplateBody, actor: Actor): Promise<TemplateView> {
    const doc = await this.load(tenantId, templateId);
    const { submit, category, ...content } = body;
    const view = toView(doc);
    if (!view.editable) {
      throw new AppError('CONFLICT', `Only approved, rejected or paused templates can be edited; this one is ${doc.status.toLowerCase().replace('_', ' ')}.`);
    }
    if (doc.status === 'APPROVED' && category !== doc.category) {
      throw new AppError('VALIDATION_FAILED', 'The category of an approved template cannot change', { fields: [{ field: 'body.category', message: 'can change only while the template is rejected or paused' }] });
    }
    const toGraph = doc.status !== 'DRAFT' || submit;
    const problems = lintTemplate({ name: doc.name, language: doc.language, category, ...content });
    if (toGraph && problems.length > 0) throw lintFailure(problems);
    const fields = contentFields(content);
    let next: TemplateDoc = { ...doc, ...fields, category, updatedAt: new Date() };
    if (doc.status !== 'DRAFT' && doc.graphId) {
      const channel = await this.channelOf(tenantId, doc);
      const components = JSON.parse(fields.componentsJson) as unknown;
      await this.graph
        .editTemplate(channel, doc.graphId, { components, ...(category !== doc.category ? { category } : {}) })
        .catch((error: unknown) => Promise.reject(templateGraphError(error, 'accept the edit')));
      next = { ...next, status: 'PENDING', reasonCode: null, reasonText: null };
    }
    await this.templates(tenantId).updateOne({ _id: doc._id }, { $set: withoutId(next) });
    await this.record(tenantId, 'template.updated', actor, next, summary(doc), summary(next));
    if (doc.status === 'DRAFT' && submit) return this.submit(tenantId, templateId, actor);
    return this.publish(tenantId, next);
  }

  async submit(tenantId: string, templateId: string, actor: Actor): Promise<TemplateView> {
    const doc = await this.load(tenantId, templateId);
    if (doc.status !== 'DRAFT') throw new AppError('CONFLICT', `This template was already submitted; it is ${doc.status.toLowerCase()}. Edit it instead.`);
    const content = contentOf(doc);
    const problems = lintTemplate({ name: doc.name, language: doc.language, category: doc.category, ...content });
    if (problems.length > 0) throw lintFailure(problems);
    const submitted = await this.submitDoc(tenantId, await this.channelOf(tenantId, doc), doc);
    await this.record(tenantId, 'template.submitted', actor, submitted, summary(doc), summary(submitted));
    return this.publish(tenantId, submitted);
  }

  /** Deletes this language only (§3.2: by hsm_id and name); a draft is only Parley's to delete. */
  async remove(tenantId: string, templateId: string, actor: Actor): Promise<void> {
    const doc = await this.load(tenantId, templateId);
    if (doc.graphId) {
      const channel = await this.channelOf(tenantId, doc);
      await this.graph.deleteTemplate(channel, doc.name, doc.graphId).catch((error: unknown) => Promise.reject(templateGraphError(error, 'delete the template')));
    }
    await this.templates(tenantId).deleteOne({ _id: doc._id });
    await this.record(tenantId, 'template.deleted', actor, doc, summary(doc), null);
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Template')], 'template:deleted', { id: templateId });
  }

  /** Applies a template webhook (status, quality, category, components). */
  async applyWebhook(tenantId: string, event: TemplateEvent): Promise<void> {
    await this.webhooks.handle(tenantId, event);
  }

  /** The inbox composer's send: body values by position or by name, checked against the local copy. */
  async buildSend(tenantId: string, request: SendTemplateBody): Promise<{ body: Record<string, unknown>; text: string; category: string }> {
    const doc = await this.templates(tenantId).findOne({ name: request.name, language: request.language }).lean();
    if (!doc || doc.status !== 'APPROVED') {
      throw new AppError('VALIDATION_FAILED', 'Only approved templates can be sent', { fields: [{ field: 'body.name', message: 'is not an approved template in this language' }] });
    }
    const parameters = request.parameters;
    const values: TemplateValues = Array.isArray(parameters) ? Object.fromEntries(doc.parameters.map((name, i) => [name, parameters[i] ?? ''])) : parameters;
    const message = buildTemplateMessage({ name: doc.name, language: doc.language, content: contentOf(doc) }, values);
    return { body: message.template, text: message.text, category: doc.category };
  }

  /** For campaigns: the Graph `template` object and the text a recipient reads, values by `TemplateView.variables` key. */
  async buildMessage(tenantId: string, templateId: string, values: TemplateValues): Promise<TemplateMessage> {
    const doc = await this.load(tenantId, templateId);
    if (doc.status !== 'APPROVED') throw new AppError('CONFLICT', `Template ${doc.name} is ${doc.status.toLowerCase()}: only approved templates can be sent.`);
    return buildTemplateMessage({ name: doc.name, language: doc.language, content: contentOf(doc) }, values);
  }

  private async submitDoc(tenantId: string, channel: OpenChannel, doc: TemplateDoc): Promise<TemplateDoc> {
    const request = { name: doc.name, language: doc.language, category: doc.category, parameter_format: doc.parameterFormat, components: JSON.parse(doc.componentsJson) as unknown };
    const created = await this.graph.createTemplate(channel, request).catch((error: unknown) => Promise.reject(templateGraphError(error, 'accept the template')));
    const now = new Date();
    const set = { graphId: created.id, status: created.status === 'APPROVED' ? 'APPROVED' : 'PENDING', submittedAt: now, updatedAt: now } as const;
    await this.templates(tenantId).updateOne({ _id: doc._id }, { $set: set });
    return { ...doc, ...set };
  }

  private async load(tenantId: string, templateId: string): Promise<TemplateDoc> {
    const doc = Types.ObjectId.isValid(templateId) ? await this.templates(tenantId).findById(templateId).lean() : null;
    if (!doc) throw AppError.notFound('Template');
    return doc;
  }

  private async channelOf(tenantId: string, doc: TemplateDoc): Promise<OpenChannel> {
    const channel = (await this.channels.openAll(tenantId)).find((c) => c.wabaId === doc.wabaId);
    if (!channel) throw new AppError('CONFLICT', 'The WhatsApp number of this template’s business account is no longer connected.');
    return channel;
  }

  private publish(tenantId: string, doc: TemplateDoc): TemplateView {
    const view = toView(doc);
    this.realtime.toRooms([ROOMS.readers(tenantId, 'Template')], 'template:updated', view);
    return view;
  }

  private async tellListeners(tenantId: string, change: TemplateStatusChange): Promise<void> {
    for (const listener of this.listeners) await listener(tenantId, change);
  }

  private async record(tenantId: string, action: 'template.created' | 'template.updated' | 'template.submitted' | 'template.deleted', actor: Actor, doc: TemplateDoc, before: unknown, after: unknown) {
    await this.audit.recordTenant(tenantId, {
      action,
      actor: { id: actor.id, email: actor.email },
      target: { type: 'template', id: String(doc._id), label: `${doc.name} (${doc.language})` },
      before,
      after,
      ip: actor.ip,
    });
  }
}

function lintFailure(problems: FieldIssue[]): AppError {
  return AppError.validation(problems.map((problem) => ({ field: `body.${problem.field}`, message: problem.message })));
}

/** Components stay JSON text in the audit log too: positional examples are nested arrays. */
function summary(doc: TemplateDoc) {
  return { status: doc.status, category: doc.category, graphId: doc.graphId, components: doc.componentsJson };
}

function withoutId(doc: TemplateDoc): Omit<TemplateDoc, '_id'> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

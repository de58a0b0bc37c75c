import type { AudienceSelection, CampaignContext, CampaignView, CostEstimate, CreateCampaignBody, FieldIssue, RatePoint, RecipientStatus, RecipientView, TemplateView, UpdateCampaignBody } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { toSafeCsv } from '../../platform/csv/csv-safe.js';
import type { OpenChannel } from '../channels/index.js';
import { normalizePhone } from '../customers/index.js';
import type { CampaignLifecycle } from './campaign.lifecycle.js';
import type { CampaignEvent } from './campaign.machine.js';
import { countersOfMany, emptyCounters, toCampaignView, toRecipientView } from './campaign.views.js';
import type { Platform } from '../../platform/domain.js';
import type { CampaignDoc } from './campaigns.model.js';
import type { CampaignsPorts } from './campaigns.ports.js';
import type { CampaignStore } from './campaigns.repository.js';
import { findTemplate, headerFileIssue, headerMediaOf, mappingIssues, paramsFor, templateMessage, withHeaderMedia } from './campaign-template.js';
import { skipReasonOf } from './materialise.js';
import { estimateCost, type RateCard } from './rate-card.js';
import { errorWindowKey } from './settler.js';
import type { TestSendGuard } from './test-send-guard.js';

export interface Actor {
  id: string;
  name: string;
  email: string;
  ip: string | null;
}

export interface CampaignsServiceDeps {
  platform: Pick<Platform, 'redis' | 'graph'>;
  rateCard: RateCard;
  store: Pick<CampaignStore, 'campaigns' | 'recipients'>;
  lifecycle: CampaignLifecycle;
  testSends: TestSendGuard;
  ports: Pick<CampaignsPorts, 'audit' | 'channels' | 'contacts' | 'customers' | 'templates' | 'media' | 'tenants'>;
}

/** Campaign definitions and the actions people take on them; sending is the dispatcher's. */
export class CampaignsService {
  private readonly store: CampaignsServiceDeps['store'];
  private readonly lifecycle: CampaignLifecycle;
  private readonly ports: CampaignsServiceDeps['ports'];

  constructor(private readonly deps: CampaignsServiceDeps) {
    this.store = deps.store;
    this.lifecycle = deps.lifecycle;
    this.ports = deps.ports;
  }

  async list(tenantId: string): Promise<CampaignView[]> {
    const docs = await this.store.campaigns.listRecent(tenantId, 200);
    const counters = await countersOfMany(this.store.recipients, tenantId, docs.filter((d) => d.status !== 'draft').map((d) => String(d._id)));
    return Promise.all(
      docs.map(async (doc) => {
        const counted = counters.get(String(doc._id));
        if (!counted) return toCampaignView(doc, emptyCounters(), { perSecond: 0, etaSeconds: null });
        return toCampaignView(doc, counted, await this.lifecycle.rates.pace(String(doc._id), counted.queued), await this.lifecycle.spend.spentOf(doc));
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<CampaignView> {
    const view = await this.lifecycle.view(tenantId, id);
    if (!view) throw AppError.notFound('Campaign');
    return view;
  }

  async create(tenantId: string, body: CreateCampaignBody, actor: Actor): Promise<CampaignView> {
    const template = await this.templateOf(tenantId, body.templateId);
    checkSchedule(body.scheduleAt);
    await this.checkThroughput(tenantId, body.throughputCap);
    const doc = await this.store.campaigns.create(tenantId, {
      name: body.name,
      templateId: body.templateId,
      template: summaryOf(template),
      variables: body.variables,
      audience: body.audience,
      scheduleAt: body.scheduleAt ? new Date(body.scheduleAt) : null,
      timeZone: await this.ports.tenants.timeZone(tenantId),
      throughputCap: body.throughputCap,
      budgetCap: body.budgetCap,
      estimate: null,
      phoneNumberId: null,
      status: 'draft',
      pause: null,
      failure: null,
      createdBy: { id: actor.id, name: actor.name },
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      materialisedAt: null,
    });
    await this.audit(tenantId, 'campaign.created', actor, doc, null, body);
    return this.get(tenantId, String(doc._id));
  }

  async update(tenantId: string, id: string, body: UpdateCampaignBody, actor: Actor): Promise<CampaignView> {
    if (Object.keys(body).length === 1 && body.budgetCap !== undefined) {
      const current = await this.find(tenantId, id);
      if (current.status !== 'draft') return this.changeBudget(tenantId, current, body.budgetCap, actor);
    }
    const doc = await this.draft(tenantId, id);
    const template = body.templateId ? await this.templateOf(tenantId, body.templateId) : null;
    if (body.scheduleAt !== undefined) checkSchedule(body.scheduleAt);
    if (body.throughputCap !== undefined) await this.checkThroughput(tenantId, body.throughputCap);
    const set: Partial<CampaignDoc> = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(template ? { templateId: template.id, template: summaryOf(template) } : {}),
      ...(body.variables !== undefined ? { variables: body.variables } : {}),
      ...(body.audience !== undefined ? { audience: body.audience } : {}),
      ...(body.scheduleAt !== undefined ? { scheduleAt: body.scheduleAt ? new Date(body.scheduleAt) : null } : {}),
      ...(body.throughputCap !== undefined ? { throughputCap: body.throughputCap } : {}),
      ...(body.budgetCap !== undefined ? { budgetCap: body.budgetCap } : {}),
    };
    await this.store.campaigns.updateDraft(tenantId, doc._id, set);
    return this.get(tenantId, id);
  }

  /**
   * The budget is the one thing a launched campaign lets change: a campaign paused by its budget
   * goes on once resumed under a higher cap (a lower one pauses it at its next batch). A cap
   * below what is already spent could never be kept, so it is refused.
   */
  private async changeBudget(tenantId: string, doc: CampaignDoc, budgetCap: number | null, actor: Actor): Promise<CampaignView> {
    if (!['scheduled', 'running', 'paused'].includes(doc.status)) throw new AppError('CONFLICT', `The budget of a ${doc.status} campaign cannot be changed`);
    const spent = await this.lifecycle.spend.spentOf(doc);
    if (budgetCap !== null && budgetCap < spent) {
      throw AppError.validation([{ field: 'body.budgetCap', message: `is below the ${spent} ${this.deps.rateCard.currency} this campaign has already spent` }]);
    }
    await this.store.campaigns.setBudget(tenantId, doc._id, budgetCap);
    await this.audit(tenantId, 'campaign.budget_changed', actor, doc, { budgetCap: doc.budgetCap }, { budgetCap });
    return this.get(tenantId, String(doc._id));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.draft(tenantId, id);
    await this.store.campaigns.deleteDraft(tenantId, doc._id);
  }

  /** Who the audience reaches, who of them may get this template, and what it costs. */
  async estimate(tenantId: string, templateId: string, audience: AudienceSelection): Promise<{ audience: { total: number; consenting: number }; estimate: CostEstimate }> {
    const template = await this.templateOf(tenantId, templateId);
    const countries = new Map<string | null, number>();
    let total = 0;
    let consenting = 0;
    for await (const member of this.ports.contacts.streamAudience(tenantId, audience)) {
      total++;
      if (member.marketingConsent === 'granted') consenting++;
      if (skipReasonOf(member, template.category === 'MARKETING')) continue;
      countries.set(member.country, (countries.get(member.country) ?? 0) + 1);
    }
    return { audience: { total, consenting }, estimate: estimateCost(this.deps.rateCard, template.category, countries) };
  }

  rateCard() {
    const card = this.deps.rateCard;
    return { currency: card.currency, rates: card.rates, fallback: card.fallback };
  }

  /** The tenant's zone and its number's throughput, for people who may create campaigns but not read settings or channels. */
  async context(tenantId: string): Promise<CampaignContext> {
    const [timeZone, channel] = await Promise.all([this.ports.tenants.timeZone(tenantId), this.channelOf(tenantId)]);
    const view = channel ? (await this.ports.channels.list(tenantId)).find((c) => c.phoneNumberId === channel.phoneNumberId) : undefined;
    return { timeZone, throughput: channel?.throughput ?? null, phoneNumber: view?.displayPhoneNumber ?? null };
  }

  /** Sends the rendered template to one of the tenant's own customers (a person checking it), audited and rate-limited. */
  async testSend(tenantId: string, id: string, phone: string, actor: Actor): Promise<{ wamid: string }> {
    const doc = await this.find(tenantId, id);
    const template = await this.templateOf(tenantId, doc.templateId);
    const normalized = normalizePhone(phone, 'US');
    if ('problem' in normalized) throw AppError.validation([{ field: 'body.phone', message: 'is not a valid phone number; write it with its country code, e.g. +5511987654321' }]);
    this.deps.testSends.checkRecipient(await this.ports.customers.byIdentity(tenantId, { waId: normalized.phone.slice(1), userId: null }), template);
    await this.deps.testSends.admit(tenantId, actor.id);
    const channel = await this.channelOf(tenantId);
    if (!channel) throw new AppError('CONFLICT', 'Connect a WhatsApp number first');
    // A test goes to someone who is not a contact: what the mapping cannot fill, the template's example fills.
    const { params: mapped } = paramsFor(template, doc.variables, { name: null, phone: normalized.phone, attributes: {} });
    for (const variable of template.variables) mapped[variable.key] ??= variable.example;
    const headerFile = headerMediaOf(doc.variables);
    const params = headerFile ? withHeaderMedia(mapped, await this.ports.media.sendable(tenantId, headerFile, channel)) : mapped;
    const body = { ...templateMessage(template, { _id: `test-${id}`, attempt: 0, phone: normalized.phone, values: [], params }), biz_opaque_callback_data: `cmptest:${id}` };
    const outcome = await this.deps.platform.graph.sendMessage(channel, body);
    await this.audit(tenantId, 'campaign.test_sent', actor, doc, null, { phone: normalized.phone, sent: outcome.ok });
    if (outcome.ok) return { wamid: outcome.wamid };
    const message = outcome.kind === 'rejected' ? outcome.reason : `WhatsApp did not confirm the message: ${outcome.message}`;
    throw new AppError('VALIDATION_FAILED', message, { fields: [{ field: 'body.phone', message }] });
  }

  /**
   * Checks everything before anything changes: a refused launch leaves the draft as it was. The
   * budget is refused, not warned about, when the estimate alone passes it.
   */
  async launch(tenantId: string, id: string, actor: Actor): Promise<CampaignView> {
    const doc = await this.draft(tenantId, id);
    const template = await this.templateOf(tenantId, doc.templateId);
    const issues: FieldIssue[] = [];
    if (template.status !== 'APPROVED') issues.push({ field: 'body.templateId', message: `the template is ${template.status.toLowerCase()}; only approved templates can be sent` });
    issues.push(...mappingIssues(template, doc.variables));
    const headerFile = headerMediaOf(doc.variables);
    const fileIssue = headerFile ? headerFileIssue(template, await this.ports.media.find(tenantId, headerFile)) : null;
    if (fileIssue) issues.push(fileIssue);
    const channel = await this.channelOf(tenantId);
    const ceiling = throughputIssue(channel, doc.throughputCap);
    if (ceiling) issues.push(ceiling);
    if (doc.scheduleAt && doc.scheduleAt.getTime() <= Date.now()) issues.push({ field: 'body.scheduleAt', message: 'must be in the future' });
    if (issues.length > 0) throw AppError.validation(issues);
    const { audience, estimate } = await this.estimate(tenantId, doc.templateId, doc.audience);
    const reachable = template.category === 'MARKETING' ? audience.consenting : audience.total;
    if (reachable === 0 || estimate.recipients === 0) throw AppError.validation([{ field: 'body.audience', message: 'nobody in this audience can receive it (no one gave marketing consent)' }]);
    if (doc.budgetCap !== null && estimate.total > doc.budgetCap) {
      throw AppError.validation([{ field: 'body.budgetCap', message: `the estimate (${estimate.total} ${estimate.currency}) is above the budget` }]);
    }
    if (!channel) throw new AppError('CONFLICT', 'Connect a WhatsApp number first');
    const event: CampaignEvent = { type: 'LAUNCH', at: Date.now(), runAt: doc.scheduleAt?.getTime() ?? null };
    if (!(await this.lifecycle.can(tenantId, id, event))) throw new AppError('CONFLICT', 'This campaign was already launched');
    await this.store.campaigns.recordLaunch(tenantId, doc._id, { template: summaryOf(template), estimate, phoneNumberId: channel.phoneNumberId });
    await this.lifecycle.send(tenantId, id, event, 'launch');
    await this.audit(tenantId, 'campaign.launched', actor, doc, { status: 'draft' }, { scheduleAt: doc.scheduleAt, estimate });
    return this.get(tenantId, id);
  }

  async act(tenantId: string, id: string, action: 'pause' | 'resume' | 'cancel', actor: Actor): Promise<CampaignView> {
    const doc = await this.find(tenantId, id);
    const at = Date.now();
    const event: CampaignEvent =
      action === 'pause' ? { type: 'PAUSE', reason: 'manual', message: `Paused by ${actor.name}.`, at }
      : action === 'resume' ? { type: 'RESUME', at }
      : { type: 'CANCEL', at };
    if (!(await this.lifecycle.can(tenantId, id, event))) throw new AppError('CONFLICT', `A ${doc.status} campaign cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`);
    // Whoever resumes has dealt with what failed: the failures before it do not pause it again.
    if (action === 'resume') await this.deps.platform.redis.del(errorWindowKey(id));
    await this.lifecycle.send(tenantId, id, event);
    if (action === 'cancel') await this.store.recipients.skipQueuedAsCancelled(tenantId, id, new Date(at));
    await this.audit(tenantId, `campaign.${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`, actor, doc, { status: doc.status }, { action });
    return this.get(tenantId, id);
  }

  async recipients(tenantId: string, id: string, query: { status?: RecipientStatus; limit: number; after?: string }): Promise<{ items: RecipientView[]; next: string | null }> {
    await this.find(tenantId, id);
    const { docs, next } = await this.store.recipients.page(tenantId, id, query);
    return { items: docs.map(toRecipientView), next };
  }

  /** The campaigns not yet over that send this file as their header, in words. */
  async usingHeaderFile(tenantId: string, mediaId: string): Promise<string[]> {
    const open = await this.store.campaigns.listOpen(tenantId);
    return open.filter((doc) => headerMediaOf(doc.variables) === mediaId).map((doc) => `the header of campaign "${doc.name}" (${doc.status})`);
  }

  async recipient(tenantId: string, id: string, recipientId: string): Promise<RecipientView> {
    await this.find(tenantId, id);
    const doc = await this.store.recipients.findInCampaign(tenantId, id, recipientId);
    if (!doc) throw AppError.notFound('Recipient');
    return toRecipientView(doc);
  }

  async exportCsv(tenantId: string, id: string, actor: Actor): Promise<{ fileName: string; csv: string }> {
    const doc = await this.find(tenantId, id);
    const rows: unknown[][] = [];
    for await (const page of this.store.recipients.pages(tenantId, id)) {
      for (const r of page) rows.push([r.phone, r.name, r.status, r.reason, r.errorCode, r.wamid, r.sentAt, r.repliedAt, r.optedOutAt]);
    }
    await this.audit(tenantId, 'campaign.exported', actor, doc, null, { rows: rows.length });
    const csv = toSafeCsv(['phone', 'name', 'status', 'reason', 'error_code', 'wamid', 'sent_at', 'replied_at', 'opted_out_at'], rows);
    return { fileName: `${doc.name.replace(/[^\w-]+/g, '_').slice(0, 60) || 'campaign'}-recipients.csv`, csv };
  }

  async rate(tenantId: string, id: string): Promise<RatePoint[]> {
    await this.find(tenantId, id);
    return this.lifecycle.rates.points(id);
  }

  private async find(tenantId: string, id: string): Promise<CampaignDoc> {
    const doc = await this.store.campaigns.find(tenantId, id);
    if (!doc) throw AppError.notFound('Campaign');
    return doc;
  }

  private async draft(tenantId: string, id: string): Promise<CampaignDoc> {
    const doc = await this.find(tenantId, id);
    if (doc.status !== 'draft' || (await this.lifecycle.state(tenantId, id)) !== 'draft') throw new AppError('CONFLICT', `Only drafts can be changed; this campaign is ${doc.status}`);
    return doc;
  }

  private async templateOf(tenantId: string, templateId: string): Promise<TemplateView> {
    const template = await findTemplate(this.ports.templates, tenantId, templateId);
    if (!template) throw AppError.validation([{ field: 'body.templateId', message: 'is not a template of this WhatsApp account' }]);
    return template;
  }

  /** The number campaigns send from: the tenant's first. */
  private async channelOf(tenantId: string): Promise<OpenChannel | null> {
    return (await this.ports.channels.openAll(tenantId))[0] ?? null;
  }

  private async checkThroughput(tenantId: string, cap: number): Promise<void> {
    const issue = throughputIssue(await this.channelOf(tenantId), cap);
    if (issue) throw AppError.validation([issue]);
  }

  private async audit(tenantId: string, action: CampaignAuditAction, actor: Actor, campaign: Pick<CampaignDoc, '_id' | 'name'>, before: unknown, after: unknown): Promise<void> {
    const target = { type: 'campaign', id: String(campaign._id), label: campaign.name };
    await this.ports.audit.recordTenant(tenantId, { action, actor: { id: actor.id, email: actor.email }, target, before, after, ip: actor.ip });
  }
}

type CampaignAuditAction = 'campaign.created' | 'campaign.launched' | 'campaign.paused' | 'campaign.resumed' | 'campaign.cancelled' | 'campaign.exported' | 'campaign.budget_changed' | 'campaign.test_sent';

function checkSchedule(scheduleAt: string | null): void {
  if (scheduleAt && new Date(scheduleAt).getTime() <= Date.now()) throw AppError.validation([{ field: 'body.scheduleAt', message: 'must be in the future' }]);
}

/** A cap above the number's own throughput could never be reached; without a number, launch says so. */
function throughputIssue(channel: OpenChannel | null, cap: number): FieldIssue | null {
  if (!channel || cap <= channel.throughput) return null;
  return { field: 'body.throughputCap', message: `can be at most ${channel.throughput} messages a second, the throughput WhatsApp gives this number` };
}

function summaryOf(template: TemplateView): CampaignDoc['template'] {
  return { id: template.id, name: template.name, language: template.language, category: template.category };
}

import type { QueryFilter } from 'mongoose';
import type { ConsentChangeBody, ContactDetail, ContactPage, ContactPatch, ContactSearchQuery, ContactSettings, ContactsBulkBody, ContactView } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';
import type { ContactsRepository } from './contacts.repository.js';
import type { CustomersPort } from './ports.js';
import type { ContactListsService } from './lists.service.js';
import type { SegmentsService } from './segments.service.js';
import { segmentToQuery } from './segment-query.js';
import { DEFAULT_COUNTRY } from './settings.model.js';
import { toConsentEntryView, toContactView } from './contacts.views.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finding, reading and editing contacts one by one or in bulk. */
export class ContactDirectory {
  constructor(
    private readonly repository: ContactsRepository,
    private readonly customers: CustomersPort,
    private readonly lists: ContactListsService,
    private readonly segments: SegmentsService,
  ) {}

  async search(tenantId: string, query: ContactSearchQuery): Promise<ContactPage> {
    const parts: QueryFilter<CustomerDoc>[] = [];
    if (query.q) {
      const digits = query.q.replace(/\D/g, '');
      const text = { $regex: escape(query.q), $options: 'i' };
      parts.push({ $or: [{ name: text }, { email: text }, ...(digits.length >= 3 ? [{ phone: { $regex: digits } }] : [])] });
    }
    if (query.listId) {
      await this.lists.get(tenantId, query.listId);
      parts.push({ listIds: query.listId });
    }
    if (query.tag) parts.push({ tags: query.tag });
    if (query.consent) parts.push({ marketingConsent: query.consent });
    if (query.segmentId) parts.push(segmentToQuery((await this.segments.get(tenantId, query.segmentId)).filter));
    const filter: QueryFilter<CustomerDoc> = parts.length > 0 ? { $and: parts } : {};
    const [docs, total] = await Promise.all([
      this.repository.page(tenantId, filter, query.page, query.limit),
      parts.length > 0 ? this.repository.count(tenantId, filter) : this.repository.countAll(tenantId),
    ]);
    return { items: docs.map(toContactView), total, page: query.page, limit: query.limit };
  }

  private async doc(tenantId: string, id: string): Promise<CustomerDoc> {
    const doc = await this.customers.get(tenantId, id);
    if (!doc) throw AppError.notFound('Contact');
    return doc;
  }

  async detail(tenantId: string, id: string): Promise<ContactDetail> {
    const doc = await this.doc(tenantId, id);
    const history = await this.customers.consentHistory(tenantId, doc);
    return { ...toContactView(doc), consentHistory: history.map(toConsentEntryView) };
  }

  async update(tenantId: string, id: string, patch: ContactPatch): Promise<ContactView> {
    const doc = await this.doc(tenantId, id);
    const set: Partial<CustomerDoc> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.email !== undefined) set.email = patch.email;
    if (patch.tags !== undefined) set.tags = [...new Set(patch.tags)];
    if (patch.attributes !== undefined) set.attributes = patch.attributes;
    if (Object.keys(set).length > 0) await this.repository.update(tenantId, doc._id, set);
    return toContactView({ ...doc, ...set });
  }

  /** A marketer or admin records what the customer said, with a note as evidence (ledger source `agent`). */
  async changeConsent(tenantId: string, id: string, body: ConsentChangeBody, actor: { id: string; email: string }): Promise<ContactDetail> {
    await this.doc(tenantId, id);
    await this.customers.setMarketingConsent(tenantId, id, body.to, 'agent', { note: body.note, userId: actor.id, email: actor.email });
    return this.detail(tenantId, id);
  }

  /** Tags and list memberships for many contacts in two updates, not one per contact. */
  async bulk(tenantId: string, body: ContactsBulkBody): Promise<{ matched: number }> {
    for (const listId of [...body.addListIds, ...body.removeListIds]) await this.lists.get(tenantId, listId);
    const matched = await this.repository.countIds(tenantId, body.ids);
    if (matched !== new Set(body.ids).size) throw AppError.notFound('Contact');
    await this.repository.editMany(tenantId, body.ids, {
      add: { tags: body.addTags, listIds: body.addListIds },
      remove: { tags: body.removeTags, listIds: body.removeListIds },
    });
    return { matched };
  }

  async tags(tenantId: string): Promise<string[]> {
    return (await this.repository.distinctTags(tenantId)).sort((a, b) => a.localeCompare(b));
  }

  async getSettings(tenantId: string): Promise<ContactSettings> {
    const doc = await this.repository.findSettings(tenantId);
    return { defaultCountry: doc?.defaultCountry ?? DEFAULT_COUNTRY };
  }

  async putSettings(tenantId: string, settings: ContactSettings): Promise<ContactSettings> {
    await this.repository.saveSettings(tenantId, settings);
    return settings;
  }
}

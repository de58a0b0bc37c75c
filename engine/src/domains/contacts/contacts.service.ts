import type { Model } from 'mongoose';
import type { AudienceMember, AudienceSelection } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { NotificationsService } from '../notifications/index.js';
import type { CustomersService, CustomerDoc } from '../customers/index.js';
import { contactListSchema, type ContactListDoc } from './lists.model.js';
import { segmentSchema, type SegmentDoc } from './segments.model.js';
import { contactSettingsSchema } from './settings.model.js';
import { audienceQuery, countWithConsent, streamCustomers, type AudienceModels } from './audience.js';
import { ContactListsService } from './lists.service.js';
import { SegmentsService } from './segments.service.js';
import { ContactDirectory } from './directory.service.js';
import { ImportsService } from './imports.service.js';
import type { UploadLimits } from './upload-limits.js';

export interface ContactsDeps {
  db: Database;
  customers: CustomersService;
  realtime: RealtimeEmitter;
  notifications: NotificationsService;
  logger: Logger;
  /** A running import whose engine has not said it is alive for this long is marked failed. */
  importStallMs: number;
  /** What one uploaded contact file may hold (CONTACT_IMPORT_MAX_* and XLSX_MAX_* in config). */
  importLimits: UploadLimits;
}

/**
 * Contacts are the tenant's customers seen by marketing: lists, tags, attributes, consent,
 * imports and saved segments. This is also the audience port campaigns build on.
 */
export class ContactsService {
  readonly lists: (tenantId: string) => Model<ContactListDoc>;
  readonly segments: (tenantId: string) => Model<SegmentDoc>;
  readonly listsService: ContactListsService;
  readonly segmentsService: SegmentsService;
  readonly directory: ContactDirectory;
  readonly imports: ImportsService;

  constructor(private readonly deps: ContactsDeps) {
    this.lists = deps.db.defineTenantModel('ContactList', contactListSchema);
    this.segments = deps.db.defineTenantModel('Segment', segmentSchema);
    const customers = (tenantId: string) => this.customers(tenantId);
    this.listsService = new ContactListsService(this.lists, customers);
    this.segmentsService = new SegmentsService(this.segments, customers);
    this.directory = new ContactDirectory(deps.customers, this.listsService, this.segmentsService, deps.db.defineTenantModel('ContactSettings', contactSettingsSchema));
    this.imports = new ImportsService({
      ...deps,
      lists: this.listsService,
      stallMs: deps.importStallMs,
      limits: deps.importLimits,
      defaultCountry: async (tenantId) => (await this.directory.getSettings(tenantId)).defaultCountry,
    });
  }

  customers(tenantId: string): Model<CustomerDoc> {
    return this.deps.customers.customers(tenantId);
  }

  /** Every member of the audience once, read in batches; consent is checked again at dispatch. */
  async *streamAudience(tenantId: string, selection: AudienceSelection): AsyncIterable<AudienceMember> {
    const query = await audienceQuery(this.audienceModels(tenantId), selection);
    // The same people in the same order on each run either way. MongoDB walks its `_id` index;
    // FerretDB would read and sort the whole audience before the first member, so there they come
    // in stored order, as they are read, and what is built from them is written meanwhile.
    yield* streamCustomers(this.customers(tenantId), query, this.deps.db.guardsOnServer ? 'by-id' : 'stored');
  }

  /** How many people the selection reaches, and how many of them granted marketing consent. */
  async countAudience(tenantId: string, selection: AudienceSelection): Promise<{ total: number; consenting: number }> {
    return countWithConsent(this.customers(tenantId), await audienceQuery(this.audienceModels(tenantId), selection));
  }

  private audienceModels(tenantId: string): AudienceModels {
    return { customers: this.customers(tenantId), lists: this.lists(tenantId), segments: this.segments(tenantId) };
  }
}

import type { AudienceMember, AudienceSelection } from '@parley/common';
import { audienceQuery, type AudienceSources } from './audience.js';
import type { ContactsRepository } from './contacts.repository.js';
import type { ListsRepository } from './lists.repository.js';
import type { SegmentsRepository } from './segments.repository.js';
import type { ContactListsService } from './lists.service.js';
import type { SegmentsService } from './segments.service.js';
import type { ContactDirectory } from './directory.service.js';
import type { ImportsService } from './imports.service.js';

/** What the contacts service is made of; `createContactsDomain` builds them. */
export interface ContactsParts {
  repository: ContactsRepository;
  lists: ListsRepository;
  segments: SegmentsRepository;
  listsService: ContactListsService;
  segmentsService: SegmentsService;
  directory: ContactDirectory;
  imports: ImportsService;
}

/**
 * Contacts are the tenant's customers seen by marketing: lists, tags, attributes, consent,
 * imports and saved segments. This is also the audience port campaigns build on.
 */
export class ContactsService {
  /** The stored collections, for tests and the demo seed. */
  readonly lists: ListsRepository['lists'];
  readonly segments: SegmentsRepository['segments'];
  readonly customers: ContactsRepository['customers'];
  readonly listsService: ContactListsService;
  readonly segmentsService: SegmentsService;
  readonly directory: ContactDirectory;
  readonly imports: ImportsService;
  private readonly repository: ContactsRepository;
  private readonly sources: AudienceSources;

  constructor(parts: ContactsParts) {
    this.lists = parts.lists.lists;
    this.segments = parts.segments.segments;
    this.customers = parts.repository.customers;
    this.listsService = parts.listsService;
    this.segmentsService = parts.segmentsService;
    this.directory = parts.directory;
    this.imports = parts.imports;
    this.repository = parts.repository;
    this.sources = { lists: parts.lists, segments: parts.segments };
  }

  /** Every member of the audience once, read in batches; consent is checked again at dispatch. */
  async *streamAudience(tenantId: string, selection: AudienceSelection): AsyncIterable<AudienceMember> {
    yield* this.repository.streamMembers(tenantId, await audienceQuery(this.sources, tenantId, selection));
  }

  /** How many people the selection reaches, and how many of them granted marketing consent. */
  async countAudience(tenantId: string, selection: AudienceSelection): Promise<{ total: number; consenting: number }> {
    return this.repository.countByConsent(tenantId, await audienceQuery(this.sources, tenantId, selection));
  }
}

import type { Config } from '../../config/config.js';
import type { DomainMount, Platform } from '../../platform/domain.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { ContactsRepository } from './contacts.repository.js';
import { contactsRoutes } from './contacts.routes.js';
import { ContactsService } from './contacts.service.js';
import { ContactDirectory } from './directory.service.js';
import { ImportPeopleRepository } from './import-people.repository.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';
import { ListsRepository } from './lists.repository.js';
import { ContactListsService } from './lists.service.js';
import type { ContactsPorts } from './ports.js';
import { SegmentsRepository } from './segments.repository.js';
import { SegmentsService } from './segments.service.js';

export { ContactsService } from './contacts.service.js';
export { contactsRoutes } from './contacts.routes.js';
export { segmentToQuery } from './segment-query.js';
export type { ContactsPorts, CustomersPort, NotifyPort } from './ports.js';

export interface ContactsDomain extends DomainMount {
  contacts: ContactsService;
  routes: RouteSpec[];
  /** Marks failed the tenant's imports whose engine went down mid-run. */
  sweepTenant(tenantId: string): Promise<void>;
  /** Waits for the imports this process is running. */
  close(): Promise<void>;
}

type ContactsConfig = Pick<Config, 'contactImportStallMs' | 'contactImportLimits'>;

/** Contacts extend the customers domain's records, whose collection its port hands over. */
export function createContactsDomain(platform: Pick<Platform, 'db' | 'logger' | 'realtime'> & { config: ContactsConfig }, ports: ContactsPorts): ContactsDomain {
  const { db, logger, realtime, config } = platform;
  const repository = new ContactsRepository(db, ports.customers.customers);
  const lists = new ListsRepository(db, ports.customers.customers);
  const segments = new SegmentsRepository(db);
  const listsService = new ContactListsService(lists);
  const segmentsService = new SegmentsService(segments, repository);
  const directory = new ContactDirectory(repository, ports.customers, listsService, segmentsService);
  const imports = new ImportsService({
    repository: new ImportsRepository(db),
    people: new ImportPeopleRepository(db, ports.customers.customers, ports.customers.ledgerPages),
    customers: ports.customers,
    lists: listsService,
    realtime,
    notifications: ports.notifications,
    logger,
    defaultCountry: async (tenantId) => (await directory.getSettings(tenantId)).defaultCountry,
    stallMs: config.contactImportStallMs,
    limits: config.contactImportLimits,
  });
  const contacts = new ContactsService({ repository, lists, segments, listsService, segmentsService, directory, imports });
  return {
    contacts,
    routes: contactsRoutes(contacts),
    sweepTenant: async (tenantId) => {
      await imports.failStalled(tenantId);
    },
    close: () => imports.idle(),
  };
}

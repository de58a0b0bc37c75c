import type { DomainMount, Platform } from '../../platform/domain.js';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';

export { CustomersService, toSummary, type InboundIdentity, type ConsentChange, type ConsentListener } from './customers.service.js';
export { toE164, normalizePhone, countryOfPhone, type PhoneProblem } from './phone.js';
export type { CustomerDoc, ConsentSource, ConsentEntry, ConsentEntryDoc, ConsentImportPageDoc, CustomerSource } from './customers.model.js';
export { importEntryRef } from './customers.model.js';
export { customerIdOf, hasKeyedId } from './customers.repository.js';
export { identityKeysOf, phoneIdentityKey } from './identity.js';

/** The customers domain: who wrote in or was imported, and their consent ledger. It calls no other domain. */
export interface CustomersDomain extends DomainMount {
  customers: CustomersService;
}

export function createCustomersDomain(platform: Pick<Platform, 'db'>): CustomersDomain {
  return { customers: new CustomersService(new CustomersRepository(platform.db)) };
}

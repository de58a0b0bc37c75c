export { CustomersService, toSummary, type InboundIdentity, type ConsentChange, type ConsentListener } from './customers.service.js';
export { toE164, normalizePhone, countryOfPhone, type PhoneProblem } from './phone.js';
export type { CustomerDoc, ConsentSource, ConsentEntry, ConsentEntryDoc, ConsentImportPageDoc, CustomerSource } from './customers.model.js';
export { importEntryRef } from './customers.model.js';
export { customerIdOf, hasKeyedId, identityKeysOf, phoneIdentityKey } from './identity.js';

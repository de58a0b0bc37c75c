export { CustomersService, toSummary, toE164, type InboundIdentity } from './customers.service.js';
export type { CustomerDoc, ConsentSource } from './customers.model.js';

export { ContactsService, type ContactsDeps } from './contacts.service.js';
export { segmentToQuery } from './segment-query.js';

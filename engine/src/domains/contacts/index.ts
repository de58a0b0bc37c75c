export { ContactsService, type ContactsDeps } from './contacts.service.js';
export { contactsRoutes } from './contacts.routes.js';
export { segmentToQuery } from './segment-query.js';

export { QuotationsService } from './quotations.service.js';

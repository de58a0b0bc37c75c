import type { DomainMount, Platform } from '../../platform/domain.js';
import { QuotationsService } from './quotations.service.js';

export { QuotationsService } from './quotations.service.js';

export interface QuotationsDomain extends DomainMount {
  quotations: QuotationsService;
}

/** Draft quotations the bot opens for sales; no routes of their own until the quotations feature. */
export function createQuotationsDomain(platform: Platform): QuotationsDomain {
  return { quotations: new QuotationsService(platform.db) };
}

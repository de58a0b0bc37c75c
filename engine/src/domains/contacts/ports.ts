import type { CustomersService } from '../customers/index.js';
import type { NotificationsService } from '../notifications/index.js';

/**
 * What contacts need of the customers domain: its collection and consent ledger pages, which
 * contacts extend (lists, tags, imports) so that one person stays one document, and the
 * customer's consent rules.
 */
export type CustomersPort = Pick<CustomersService, 'customers' | 'ledgerPages' | 'get' | 'consentHistory' | 'setMarketingConsent' | 'announceConsentChanges'>;

/** Telling the person who ran an import that it finished. */
export type NotifyPort = Pick<NotificationsService, 'notify'>;

export interface ContactsPorts {
  customers: CustomersPort;
  notifications: NotifyPort;
}

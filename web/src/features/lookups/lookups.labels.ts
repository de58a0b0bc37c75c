import type { LookupKind } from '@parley/common';

export const KIND_LABELS: Record<LookupKind, { plural: string; singular: string; hint: string }> = {
  services: { plural: 'Services', singular: 'service', hint: 'What the business offers. The bot answers with the description and reply.' },
  products: { plural: 'Products', singular: 'product', hint: 'What customers can buy. A match opens a draft quotation for sales.' },
  issues: { plural: 'Issues', singular: 'issue', hint: 'Problems customers report. A match opens a ticket for customer care.' },
};

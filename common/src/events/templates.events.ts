import type { TemplateView } from '../schemas/templates.schema.js';

/** Server-to-client events of the templates domain, to the tenant's `Template` readers room. */
export interface TemplateEvents {
  /** Created, edited, submitted, or changed by WhatsApp (status, quality, category). */
  'template:updated': (template: TemplateView) => void;
  'template:deleted': (change: { id: string }) => void;
}

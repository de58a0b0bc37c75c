import type { DomainMount, Platform } from '../../platform/domain.js';
import { TicketsService } from './tickets.service.js';

export { TicketsService } from './tickets.service.js';

export interface TicketsDomain extends DomainMount {
  tickets: TicketsService;
}

/** Tickets the bot opens for customer care; no routes of their own until the tickets feature. */
export function createTicketsDomain(platform: Platform): TicketsDomain {
  return { tickets: new TicketsService(platform.db) };
}

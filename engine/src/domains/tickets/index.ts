export { TicketsService } from './tickets.service.js';

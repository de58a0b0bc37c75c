import type { DomainMount, Platform } from '../../platform/domain.js';
import type { AuditService } from '../audit/index.js';
import { BotService } from './bot.service.js';
import { botRoutes } from './bot.routes.js';

export { BotService } from './bot.service.js';
export { botRoutes } from './bot.routes.js';
export type { BotDecision, BotIntent, ClassifyInput, MatchedLookup } from './classifier.js';
export { REPLY_IDS, type InteractiveListBody } from './menu.js';
export { isOpen } from './business-hours.js';

export interface BotPorts {
  audit: AuditService;
}

export interface BotDomain extends DomainMount {
  bot: BotService;
}

/** The bot's settings and lookup tables, and the per-tenant matcher compiled from them. */
export function createBotDomain(platform: Platform, ports: BotPorts): BotDomain {
  const bot = new BotService(platform.db, platform.config, ports.audit, platform.realtime, platform.logger);
  return { bot, routes: botRoutes(bot), close: () => bot.close() };
}

export { BotService } from './bot.service.js';
export { botRoutes } from './bot.routes.js';
export type { BotDecision, BotIntent, ClassifyInput, MatchedLookup } from './classifier.js';
export { REPLY_IDS, type InteractiveListBody } from './menu.js';
export { isOpen } from './business-hours.js';

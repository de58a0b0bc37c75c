import type { BotSettings } from '@parley/common';
import type { Config } from '../../config/config.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { AuditService } from '../audit/index.js';
import { BotCache } from './bot.cache.js';
import { BotSettingsService } from './bot-settings.service.js';
import { classifyWith, compileBot, type BotDecision, type ClassifyInput, type CompiledBot } from './classifier.js';
import { LookupsService } from './lookups.service.js';
import type { InteractiveListBody } from './menu.js';

/**
 * The bot's brain for the conversation actors: what an inbound message means, the menu to offer,
 * and the texts to answer with. Each tenant's tables and settings are compiled once per process
 * and dropped everywhere when any process changes them.
 */
export class BotService {
  readonly lookups: LookupsService;
  readonly botSettings: BotSettingsService;
  private readonly cache: BotCache<CompiledBot>;

  constructor(db: Database, config: Pick<Config, 'redisUrl' | 'dbPrefix'>, audit: AuditService, realtime: RealtimeEmitter, logger: Logger) {
    this.cache = new BotCache({ redisUrl: config.redisUrl, channel: `${config.dbPrefix}:bot:lookups-changed`, logger });
    const changed = (tenantId: string) => this.cache.changed(tenantId);
    this.lookups = new LookupsService(db, audit, realtime, changed);
    this.botSettings = new BotSettingsService(db, audit, changed);
  }

  async classify(tenantId: string, input: ClassifyInput): Promise<BotDecision> {
    return classifyWith(await this.compiled(tenantId), input);
  }

  /** The interactive list to send (the `interactive` object of a list message). */
  async menu(tenantId: string): Promise<InteractiveListBody> {
    // Copies, so that a caller adding a header cannot change the cached menu of every customer.
    return structuredClone((await this.compiled(tenantId)).menu);
  }

  /** The settings the bot answers with (cached; the settings API reads `botSettings`). */
  async settings(tenantId: string): Promise<BotSettings> {
    return structuredClone((await this.compiled(tenantId)).settings);
  }

  /** Resolves once changes published before the call by any process are seen by this one. */
  sync(): Promise<void> {
    return this.cache.sync();
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  private compiled(tenantId: string): Promise<CompiledBot> {
    return this.cache.get(tenantId, async () => {
      const [settings, rows] = await Promise.all([this.botSettings.get(tenantId), this.lookups.active(tenantId)]);
      return compileBot(settings, rows);
    });
  }
}

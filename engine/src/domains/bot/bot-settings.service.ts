import type { Model } from 'mongoose';
import type { BotSettings } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { AuditService } from '../audit/index.js';
import { BOT_SETTINGS_ID, botSettingsSchema, type BotSettingsDoc } from './bot.model.js';
import { DEFAULT_BOT_SETTINGS } from './bot.defaults.js';
import type { Actor } from './lookups.service.js';

/** The bot's texts, opening hours and consent keywords of a tenant: defaults until saved. */
export class BotSettingsService {
  private readonly settings: (tenantId: string) => Model<BotSettingsDoc>;

  constructor(
    db: Database,
    private readonly audit: AuditService,
    private readonly changed: (tenantId: string) => Promise<void>,
  ) {
    this.settings = db.defineTenantModel('BotSettings', botSettingsSchema);
  }

  async get(tenantId: string): Promise<BotSettings> {
    const doc = await this.settings(tenantId).findById(BOT_SETTINGS_ID).lean();
    return doc ? toSettings(doc) : structuredClone(DEFAULT_BOT_SETTINGS);
  }

  async replace(tenantId: string, next: BotSettings, actor: Actor): Promise<BotSettings> {
    const before = await this.get(tenantId);
    await this.save(tenantId, next);
    await this.audit.recordTenant(tenantId, {
      action: 'bot.settings_changed',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'bot_settings', id: null, label: 'Bot settings' },
      before,
      after: next,
      ip: actor.ip,
    });
    await this.changed(tenantId);
    return next;
  }

  /** Last writer wins, which is what saving a settings form means. */
  private async save(tenantId: string, next: BotSettings): Promise<void> {
    const write = () => this.settings(tenantId).replaceOne({ _id: BOT_SETTINGS_ID }, { ...next, updatedAt: new Date() }, { upsert: true });
    try {
      await write();
    } catch (error) {
      // FerretDB 1.x upserts read then insert: two first saves at once make one lose the insert.
      // The document exists by then, so the second attempt is a plain replace.
      if (!isDuplicateKeyError(error)) throw error;
      await write();
    }
  }
}

function toSettings(doc: BotSettingsDoc): BotSettings {
  return {
    greeting: doc.greeting,
    clarify: doc.clarify,
    handoff: doc.handoff,
    outOfHoursReply: doc.outOfHoursReply,
    timezone: doc.timezone,
    hours: doc.hours.map(({ day, open, close }) => ({ day, open, close })),
    optOutWords: doc.optOutWords,
    optInWords: doc.optInWords,
    optOutConfirmation: doc.optOutConfirmation,
    optInConfirmation: doc.optInConfirmation,
  };
}

import { Schema } from 'mongoose';
import type { BotSettings } from '@parley/common';

/** The tenant's bot settings: one document, `_id` "bot", absent until an admin saves them. */
export interface BotSettingsDoc extends BotSettings {
  _id: string;
  updatedAt: Date;
}

export const BOT_SETTINGS_ID = 'bot';

const openingSchema = new Schema({ day: { type: Number, required: true }, open: { type: String, required: true }, close: { type: String, required: true } }, { _id: false });

export const botSettingsSchema = new Schema<BotSettingsDoc>(
  {
    _id: { type: String, required: true },
    greeting: { type: String, required: true },
    clarify: { type: String, required: true },
    handoff: { type: String, required: true },
    outOfHoursReply: { type: String, required: true },
    timezone: { type: String, required: true },
    hours: { type: [openingSchema], default: [] },
    optOutWords: { type: [String], default: [] },
    optInWords: { type: [String], default: [] },
    optOutConfirmation: { type: String, required: true },
    optInConfirmation: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'bot_settings', versionKey: false },
);

import { Schema } from 'mongoose';

/** One document per tenant (`_id: 'contacts'`). */
export interface ContactSettingsDoc {
  _id: string;
  defaultCountry: string;
  updatedAt: Date;
}

export const contactSettingsSchema = new Schema<ContactSettingsDoc>(
  {
    _id: { type: String, required: true },
    defaultCountry: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'contact_settings', versionKey: false },
);

/** Tenants have no country of their own yet; national numbers are read as US ones until set. */
export const DEFAULT_COUNTRY = 'US';

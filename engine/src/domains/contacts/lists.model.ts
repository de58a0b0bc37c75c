import { Schema, Types } from 'mongoose';

/** A contact list; membership lives on the customer (`listIds`), so a person is never copied. */
export interface ContactListDoc {
  _id: Types.ObjectId;
  name: string;
  /** Lower-cased name, unique per tenant. */
  nameKey: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const contactListSchema = new Schema<ContactListDoc>(
  {
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'contact_lists', versionKey: false },
);
contactListSchema.index({ nameKey: 1 }, { unique: true });

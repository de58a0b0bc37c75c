import { Schema, type Types } from 'mongoose';
import type { ParameterFormat, TemplateCategory, TemplateQuality, TemplateStatus } from '@parley/common';

export interface TemplateDoc {
  _id: Types.ObjectId;
  /** WhatsApp's id (hsm_id); null while the template is a draft kept only here. */
  graphId: string | null;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  quality: TemplateQuality;
  /** Why WhatsApp rejected, paused or disabled it: its reason code and its explanation. */
  reasonCode: string | null;
  reasonText: string | null;
  parameterFormat: ParameterFormat;
  /** The body text and its parameters, kept beside the components for lists and pickers. */
  body: string;
  parameters: string[];
  /** JSON text: positional examples are arrays of arrays, which FerretDB cannot store. */
  componentsJson: string;
  /**
   * `entry.time` (seconds) of the last status webhook applied. Webhooks come in any order, so an
   * older event never overrides a newer one.
   */
  lastEventTime: number;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
}

export const templateSchema = new Schema<TemplateDoc>(
  {
    graphId: { type: String, default: null },
    wabaId: { type: String, required: true },
    name: { type: String, required: true },
    language: { type: String, required: true },
    category: { type: String, required: true },
    status: { type: String, required: true },
    quality: { type: String, default: 'UNKNOWN' },
    reasonCode: { type: String, default: null },
    reasonText: { type: String, default: null },
    parameterFormat: { type: String, required: true },
    body: { type: String, default: '' },
    parameters: { type: [String], default: [] },
    componentsJson: { type: String, default: '[]' },
    lastEventTime: { type: Number, default: 0 },
    createdBy: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    submittedAt: { type: Date, default: null },
  },
  { collection: 'templates', versionKey: false, minimize: false },
);
// WhatsApp keys a template by account, name and language: so does the unique insert of a new one.
templateSchema.index({ wabaId: 1, name: 1, language: 1 }, { unique: true });
templateSchema.index({ graphId: 1 });

/** One row per template webhook applied: the unique id makes a redelivery a no-op (§1.7). */
export interface TemplateEventDoc {
  _id: string;
  at: Date;
}

export const templateEventSchema = new Schema<TemplateEventDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { collection: 'template_events', versionKey: false });

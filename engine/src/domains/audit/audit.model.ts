import { Schema } from 'mongoose';
import type { AuditAction } from '@parley/common';

export interface AuditDoc {
  at: Date;
  action: AuditAction;
  actorId: string | null;
  actorEmail: string | null;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** The same shape serves the platform audit log and every tenant's own audit log. */
export const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actorId: { type: String, default: null },
    actorEmail: { type: String, default: null },
    targetType: { type: String, required: true },
    targetId: { type: String, default: null },
    targetLabel: { type: String, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    ip: { type: String, default: null },
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ action: 1, at: -1 });

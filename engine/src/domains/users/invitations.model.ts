import { Schema, Types } from 'mongoose';
import type { TenantRole } from '@parley/common';

export interface InvitationDoc {
  _id: Types.ObjectId;
  tenantId: string;
  email: string;
  roles: TenantRole[];
  tokenHash: string;
  expiresAt: Date;
  createdAt: Date;
  invitedBy: string | null;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export const invitationSchema = new Schema<InvitationDoc>(
  {
    tenantId: { type: String, required: true },
    email: { type: String, required: true },
    roles: { type: [String], required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    invitedBy: { type: String, default: null },
    acceptedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'invitations', versionKey: false },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ tenantId: 1, createdAt: -1 });

/**
 * Single use is enforced by inserting a claim keyed by the token's purpose and id: the first
 * insert wins, a second gets duplicate-key 11000. `findOneAndUpdate` would not be atomic on
 * FerretDB 1.x (DESIGN §4). The same collection claims password-reset tokens.
 */
export interface TokenClaimDoc {
  _id: string;
  claimedAt: Date;
}

export const tokenClaimSchema = new Schema<TokenClaimDoc>(
  { _id: { type: String, required: true }, claimedAt: { type: Date, required: true } },
  { collection: 'token_claims', versionKey: false },
);

export interface PasswordResetDoc {
  _id: Types.ObjectId;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  createdAt: Date;
  usedAt: Date | null;
}

export const passwordResetSchema = new Schema<PasswordResetDoc>(
  {
    userId: { type: String, required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { collection: 'password_resets', versionKey: false },
);
passwordResetSchema.index({ tokenHash: 1 }, { unique: true });

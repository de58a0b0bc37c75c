import { Schema } from 'mongoose';

/** Platform routing table: a webhook names a phone number id; this says whose it is. */
export interface ChannelRouteDoc {
  /** The WhatsApp phone_number_id, unique across the platform. */
  _id: string;
  tenantId: string;
  wabaId: string;
  createdAt: Date;
}

export const channelRouteSchema = new Schema<ChannelRouteDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    wabaId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'channel_routes', versionKey: false },
);
channelRouteSchema.index({ wabaId: 1 });
channelRouteSchema.index({ tenantId: 1 });

/** A tenant's WhatsApp number with its secrets sealed by AES-256-GCM. */
export interface ChannelDoc {
  _id: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  graphBaseUrl: string;
  accessTokenSealed: string;
  appSecretSealed: string;
  verifyTokenSealed: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  messagingTier: string;
  throughput: number;
  connectedAt: Date;
}

export const channelSchema = new Schema<ChannelDoc>(
  {
    _id: { type: String, required: true },
    phoneNumberId: { type: String, required: true },
    wabaId: { type: String, required: true },
    displayPhoneNumber: { type: String, required: true },
    graphBaseUrl: { type: String, required: true },
    accessTokenSealed: { type: String, required: true },
    appSecretSealed: { type: String, required: true },
    verifyTokenSealed: { type: String, required: true },
    qualityRating: { type: String, default: 'UNKNOWN' },
    messagingTier: { type: String, default: 'TIER_250' },
    throughput: { type: Number, default: 80 },
    connectedAt: { type: Date, required: true },
  },
  { collection: 'channels', versionKey: false },
);

/**
 * Which tenant a WhatsApp Business Account belongs to. Template and account webhooks name only
 * the account, so two tenants naming the same one would have one read the other's events: the
 * account is claimed by a unique insert of its id (DESIGN §4), and several numbers of the same
 * tenant share the claim.
 */
export interface WabaClaimDoc {
  /** The WABA id. */
  _id: string;
  tenantId: string;
  createdAt: Date;
}

export const wabaClaimSchema = new Schema<WabaClaimDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'waba_claims', versionKey: false },
);

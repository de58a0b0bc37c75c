import type { CampaignView, RatePoint } from '../schemas/campaigns.schema.js';

/** Server-to-client events of campaigns, to the tenant's `Campaign` readers room. */
export interface CampaignEvents {
  /** The whole view (counters, status, rate), at most about once a second per campaign. */
  'campaign:updated': (campaign: CampaignView) => void;
  /** New points of the send-rate chart. */
  'campaign:rate': (change: { campaignId: string; points: RatePoint[] }) => void;
}

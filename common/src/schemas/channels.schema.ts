import { z } from 'zod';

export const connectChannelBodySchema = z
  .object({
    phoneNumberId: z.string().regex(/^\d{5,20}$/, 'digits only, as Meta shows it'),
    wabaId: z.string().regex(/^\d{5,20}$/, 'digits only, as Meta shows it'),
    displayPhoneNumber: z.string().trim().min(5, 'at least 5 characters').max(30, 'at most 30 characters'),
    accessToken: z.string().trim().min(10, 'paste the whole token').max(1024),
    appSecret: z.string().trim().min(8, 'at least 8 characters').max(256, 'at most 256 characters'),
    verifyToken: z.string().trim().min(8, 'at least 8 characters').max(256),
    graphBaseUrl: z.string().url().optional(),
  })
  .strict();
export type ConnectChannelBody = z.infer<typeof connectChannelBodySchema>;

export interface ChannelView {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  graphBaseUrl: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  messagingTier: string;
  throughput: number;
  connectedAt: string;
  /** Secrets are never sent back, only whether they are set. */
  hasAccessToken: boolean;
  hasAppSecret: boolean;
}

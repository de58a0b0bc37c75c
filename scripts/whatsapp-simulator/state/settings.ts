import { z } from 'zod';

export const TIERS = ['TIER_50', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'TIER_NOT_SET'] as const;
export const QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type Tier = (typeof TIERS)[number];
export type Quality = (typeof QUALITY)[number];

const range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);

/** Behaviour knobs that are not chaos: modes the reference says should be configurable. */
export const settingsSchema = z.object({
  /** §7.2.1: outside the window a free-form send is accepted then fails (async), or is refused (sync). */
  windowMode: z.enum(['async', 'sync']).default('async'),
  /** §7.2.6: Meta documents no code for an exhausted messaging limit, so both mode and code are knobs. */
  messagingLimit: z.object({ mode: z.enum(['async', 'sync']).default('async'), code: z.number().int().default(131049) }).prefault({}),
  statusDelays: z
    .object({
      sentMs: range.default([100, 500]),
      deliveredMs: range.default([300, 3000]),
      readMs: range.default([2000, 30000]),
    })
    .prefault({}),
  readProbability: z.number().min(0).max(1).default(0.8),
  /** The conversation object is a leftover of conversation-based pricing; some clients still read it. */
  includeConversation: z.boolean().default(true),
  /** Virtual milliseconds before a PENDING template is reviewed; null leaves review to the control API. */
  templateReviewMs: z.number().int().nonnegative().nullable().default(5000),
  webhookTimeoutMs: z.number().int().positive().default(5000),
  retry: z
    .object({
      initialMs: z.number().int().positive().default(5000),
      factor: z.number().min(1).default(3),
      maxIntervalMs: z.number().int().positive().default(3_600_000),
      /** Meta gives up after about 7 days of redelivery. */
      maxAgeMs: z.number().int().positive().default(7 * 24 * 3_600_000),
    })
    .prefault({}),
  pairRate: z.object({ burst: z.number().int().positive().default(45), refillMs: z.number().int().positive().default(6000) }).prefault({}),
  /** Marketing templates to US (+1) numbers have been blocked with 131049 since 2025-04-01. */
  usMarketingBlock: z.boolean().default(false),
  maxLogEntries: z.number().int().positive().default(100_000),
});
export type Settings = z.infer<typeof settingsSchema>;

const recipientChaosSchema = z.object({
  fail: z.number().int().optional(),
  failDelayMs: z.number().int().nonnegative().optional(),
  duplicate: z.boolean().optional(),
  reorder: z.boolean().optional(),
  skipDelivered: z.boolean().optional(),
  read: z.boolean().optional(),
  marketingCap: z.boolean().optional(),
});
export type RecipientChaos = z.infer<typeof recipientChaosSchema>;

/** Each knob is a probability, or forced per recipient (wa_id or user_id) for deterministic tests. */
export const chaosSchema = z.object({
  duplicateRate: z.number().min(0).max(1).default(0),
  reorderRate: z.number().min(0).max(1).default(0),
  skipDeliveredRate: z.number().min(0).max(1).default(0),
  failureRate: z.number().min(0).max(1).default(0),
  failureCodes: z.array(z.number().int()).min(1).default([131026]),
  /** When positive, injected failures come as `sent` first and `failed` this much later. */
  failureDelayMs: z.number().int().nonnegative().default(0),
  marketingCapRate: z.number().min(0).max(1).default(0),
  batching: z
    .object({
      enabled: z.boolean().default(false),
      windowMs: z.number().int().nonnegative().default(1000),
      max: z.number().int().positive().default(10),
    })
    .prefault({}),
  /** Signs with a wrong secret, to prove the receiver rejects bad signatures. */
  wrongSecret: z.boolean().default(false),
  recipients: z.record(z.string(), recipientChaosSchema).default({}),
});
export type Chaos = z.infer<typeof chaosSchema>;

export const numberConfigSchema = z.object({
  phoneNumberId: z.string().regex(/^\d+$/),
  wabaId: z.string().regex(/^\d+$/),
  /** Business portfolio: messaging limits and user ids are scoped to it. Defaults to the WABA id. */
  businessId: z.string().regex(/^\d+$/).optional(),
  displayPhoneNumber: z.string().min(1),
  verifiedName: z.string().min(1).default('Parley Demo'),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1).default('demo-verify-token'),
  webhookUrl: z.string().url().nullable().default(null),
  /** Messages per second: 80 by default, 1000 after the upgrade, 20 for coexistence numbers. */
  throughput: z.number().int().positive().default(80),
  tier: z.enum(TIERS).default('TIER_2K'),
  quality: z.enum(QUALITY).default('GREEN'),
  /** Puts the account in a blocked mode: every send is refused with this code. */
  blockedCode: z.union([z.literal(368), z.literal(131031)]).nullable().default(null),
});
export type NumberConfig = z.infer<typeof numberConfigSchema>;
export type NumberConfigInput = z.input<typeof numberConfigSchema>;

export const DEMO_NUMBER: NumberConfigInput = {
  phoneNumberId: '100000000000001',
  wabaId: '200000000000001',
  displayPhoneNumber: '+1 555 010 0001',
  verifiedName: 'Parley Demo',
  accessToken: 'demo-access-token',
  appSecret: 'demo-app-secret',
  verifyToken: 'demo-verify-token',
};

export const TIER_LIMITS: Record<Tier, number> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
  TIER_NOT_SET: 250,
};

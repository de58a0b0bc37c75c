import type { Redis } from 'ioredis';
import type { CampaignDoc } from './campaigns.model.js';

const MICROS = 1_000_000;
const micros = (amount: number): number => Math.round(amount * MICROS);
const spendKeys = (campaignId: string): string[] => [`cmpspend:micros:${campaignId}`, `cmpspend:who:${campaignId}`];

/**
 * Reserves each recipient's cost (millionths) once, in queue order, while the total stays within
 * the cap (a negative cap: no cap, the spend is only counted); a recipient reserved before
 * (another process's run of the same batch, a message held back and sent again) costs nothing
 * more. Returns a flag per recipient, then the total spent.
 */
const SPEND = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local cap = tonumber(ARGV[1])
local full = false
local out = {}
for i = 2, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 1 then
    out[#out + 1] = 1
  elseif not full and (cap < 0 or spent + tonumber(ARGV[i + 1]) <= cap) then
    spent = spent + tonumber(ARGV[i + 1])
    redis.call('SADD', KEYS[2], ARGV[i])
    out[#out + 1] = 1
  else
    full = true
    out[#out + 1] = 0
  end
end
redis.call('SET', KEYS[1], string.format('%.0f', spent), 'EX', 90 * 86400)
redis.call('EXPIRE', KEYS[2], 90 * 86400)
out[#out + 1] = string.format('%.0f', spent)
return out
`;

/** One recipient's cost, in the rate card's currency. */
export interface Cost {
  recipientId: string;
  amount: number;
}

/**
 * What each campaign has spent, counted in Redis for every process at once: the dispatch gate
 * reserves, the lifecycle keeps the total when a campaign finishes, people read it. Amounts are
 * whole millionths, so that a cap of N times a rate covers exactly N messages.
 */
export class SpendLedger {
  constructor(private readonly redis: Redis) {}

  /**
   * What the campaign has spent (messages sent or being sent, at the rate card's prices), in the
   * rate card's currency: Redis's reservations, or once they have expired the total the campaign
   * document kept when it finished.
   */
  async spentOf(campaign: { _id: CampaignDoc['_id'] | string; spent?: number | null }): Promise<number> {
    const [key] = spendKeys(String(campaign._id));
    const reserved = key ? await this.redis.get(key) : null;
    return reserved === null ? (campaign.spent ?? 0) : Number(reserved) / MICROS;
  }

  /** A finished campaign admits nobody again: the set of who was paid for is let go after a day. */
  async release(campaignId: string): Promise<void> {
    const [, who] = spendKeys(campaignId);
    if (who) await this.redis.expire(who, 86_400);
  }

  /**
   * Reserves the costs in order while the total stays within `budgetCap` (null: no cap, the spend
   * is only counted). Returns whether each was admitted, and the total spent after it.
   */
  async reserve(campaignId: string, budgetCap: number | null, costs: Cost[]): Promise<{ admitted: boolean[]; spent: number }> {
    const cap = budgetCap === null ? -1 : micros(budgetCap);
    const args = costs.flatMap((cost) => [cost.recipientId, micros(cost.amount)]);
    const result = await this.redis.eval(SPEND, 2, ...spendKeys(campaignId), cap, ...args);
    const flags = Array.isArray(result) ? result.map(Number) : [];
    const spent = flags.pop() ?? 0;
    return { admitted: costs.map((_, i) => flags[i] === 1), spent: spent / MICROS };
  }
}

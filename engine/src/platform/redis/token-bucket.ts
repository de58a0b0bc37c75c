import type { Redis } from 'ioredis';

/**
 * Takes one token from every bucket named, or none: a message must fit both the phone number's
 * throughput and its campaign's cap. The clock is Redis's own (TIME), so every engine process
 * refills the same buckets at the same pace. A bucket holds at most one second of tokens, which
 * keeps a burst under what WhatsApp counts per second. While a bucket is slowed (after 130429)
 * it refills at a quarter of its rate. Returns 0 when taken, else the milliseconds to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local states = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i])
  if redis.call('EXISTS', key .. ':slow') == 1 then rate = math.max(1, rate / 4) end
  local burst = math.max(1, rate)
  local tokens = tonumber(redis.call('HGET', key, 'tokens'))
  local ts = tonumber(redis.call('HGET', key, 'ts'))
  if tokens == nil or ts == nil then tokens = burst; ts = now end
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * 1000 / rate)) end
  states[i] = tokens
end
for i, key in ipairs(KEYS) do
  local tokens = states[i]
  if wait == 0 then tokens = tokens - 1 end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', key, 60000)
end
return wait
`;

export interface Bucket {
  key: string;
  perSecond: number;
}

export class TokenBuckets {
  constructor(private readonly redis: Redis) {}

  /** Waits until a token of every bucket is taken. */
  async take(buckets: Bucket[]): Promise<void> {
    for (;;) {
      const wait = await this.tryTake(buckets);
      if (wait === 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1000)));
    }
  }

  async tryTake(buckets: Bucket[]): Promise<number> {
    const wait = await this.redis.eval(TAKE, buckets.length, ...buckets.map((b) => `bucket:${b.key}`), ...buckets.map((b) => Math.max(1, b.perSecond)));
    return typeof wait === 'number' ? wait : Number(wait);
  }

  /** WhatsApp said 130429: refill this bucket slower for a while, for every process. */
  async slowDown(key: string, forMs: number): Promise<void> {
    await this.redis.set(`bucket:${key}:slow`, '1', 'PX', forMs);
  }
}

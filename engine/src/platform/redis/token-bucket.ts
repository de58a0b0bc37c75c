import type { Redis } from 'ioredis';

/**
 * Takes one token from every bucket named, or none: a message must fit both the phone number's
 * throughput and its campaign's cap. The clock is Redis's own (TIME), so every engine process
 * refills the same buckets at the same pace. A bucket holds at most half a second of tokens:
 * WhatsApp's own bucket holds a second's, so messages that reach it bunched (one process paused,
 * then its requests all at once) still find room there. After a 130429 a bucket's rate is halved
 * (again on each further 130429, at most every half second) for half a minute: the number's real limit
 * is found in a few steps. Returns 0 when taken, else the milliseconds to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local states = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i])
  local slowed = tonumber(redis.call('GET', key .. ':slow'))
  if slowed ~= nil then rate = math.min(rate, slowed) end
  local burst = math.max(1, rate / 2)
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

const SLOW = `
local slow = KEYS[1] .. ':slow'
if redis.call('EXISTS', slow .. ':recent') == 1 then return 0 end
local current = tonumber(redis.call('GET', slow)) or tonumber(ARGV[1])
redis.call('SET', slow, tostring(math.max(1, math.floor(current / 2))), 'PX', tonumber(ARGV[2]))
redis.call('SET', slow .. ':recent', '1', 'PX', 500)
return 1
`;

export interface Bucket {
  key: string;
  perSecond: number;
}

export class TokenBuckets {
  constructor(private readonly redis: Redis) {}

  /** Waits until a token of every bucket is taken; false if `stop` said to give up meanwhile. */
  async take(buckets: Bucket[], stop: () => boolean = () => false): Promise<boolean> {
    while (!stop()) {
      const wait = await this.tryTake(buckets);
      if (wait === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 250)));
    }
    return false;
  }

  async tryTake(buckets: Bucket[]): Promise<number> {
    const wait = await this.redis.eval(TAKE, buckets.length, ...buckets.map((b) => `bucket:${b.key}`), ...buckets.map((b) => Math.max(1, b.perSecond)));
    return typeof wait === 'number' ? wait : Number(wait);
  }

  /** WhatsApp said 130429: halve this bucket's rate for a while, for every process. */
  async slowDown(key: string, perSecond: number, forMs: number): Promise<void> {
    await this.redis.eval(SLOW, 1, `bucket:${key}`, perSecond, forMs);
  }
}

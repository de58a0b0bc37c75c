import { numberConfigSchema, type NumberConfig, type NumberConfigInput } from './settings.js';
import { TokenBucket } from './token-bucket.js';
import { digitsOf } from '../core/phone.js';

export interface BusinessNumber {
  config: NumberConfig;
  /** Throughput bucket: `throughput` tokens, refilled over one second (§4). */
  throughput: TokenBucket;
  /** While the free throughput upgrade runs, the number answers 131057 (≤1 min). */
  upgradingUntil: number | null;
}

export function portfolioOf(config: NumberConfig): string {
  return config.businessId ?? config.wabaId;
}

/** Digits only, as Meta writes it in webhook `metadata.display_phone_number`. */
export function metadataOf(config: NumberConfig): { display_phone_number: string; phone_number_id: string } {
  return { display_phone_number: digitsOf(config.displayPhoneNumber), phone_number_id: config.phoneNumberId };
}

export class NumberRegistry {
  private readonly numbers = new Map<string, BusinessNumber>();

  constructor(private readonly now: () => number) {}

  /**
   * Creates a number, or merges a partial update into an existing one. The merged whole is parsed,
   * so omitted fields keep their current values instead of falling back to defaults.
   */
  upsert(input: Partial<NumberConfigInput> & Record<string, unknown> & { phoneNumberId: string }): BusinessNumber {
    const existing = this.numbers.get(input.phoneNumberId);
    const config = numberConfigSchema.parse({ ...existing?.config, ...input });
    if (existing) {
      existing.config = config;
      existing.throughput.reshape(config.throughput, 1000 / config.throughput, this.now());
      return existing;
    }
    const created: BusinessNumber = {
      config,
      throughput: new TokenBucket(config.throughput, 1000 / config.throughput, this.now()),
      upgradingUntil: null,
    };
    this.numbers.set(config.phoneNumberId, created);
    return created;
  }

  get(phoneNumberId: string): BusinessNumber | undefined {
    return this.numbers.get(phoneNumberId);
  }

  remove(phoneNumberId: string): boolean {
    return this.numbers.delete(phoneNumberId);
  }

  list(): BusinessNumber[] {
    return [...this.numbers.values()];
  }

  first(): BusinessNumber | undefined {
    return this.numbers.values().next().value;
  }

  byWaba(wabaId: string): BusinessNumber[] {
    return this.list().filter((number) => number.config.wabaId === wabaId);
  }

  byToken(token: string): BusinessNumber[] {
    return this.list().filter((number) => number.config.accessToken === token);
  }

  /** Clears runtime state (buckets, upgrades) but keeps the configuration. */
  resetRuntime(): void {
    for (const number of this.numbers.values()) {
      number.throughput = new TokenBucket(number.config.throughput, 1000 / number.config.throughput, this.now());
      number.upgradingUntil = null;
    }
  }

  clear(): void {
    this.numbers.clear();
  }
}

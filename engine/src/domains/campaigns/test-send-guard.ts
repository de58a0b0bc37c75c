import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { TemplateView } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import type { CustomerDoc } from '../customers/index.js';

export interface TestSendLimits {
  perUserPerHour: number;
  perTenantPerHour: number;
}

/**
 * What stands between a campaign's test send and WhatsApp. A test is a real message from the
 * tenant's number: it may only reach a customer of this tenant (for a MARKETING template, one who
 * gave marketing consent), and it is counted per user and per tenant in Redis, so that a test
 * send cannot message strangers or flood anyone.
 */
export class TestSendGuard {
  private readonly byUser: RateLimiterRedis;
  private readonly byTenant: RateLimiterRedis;

  constructor(redis: Redis, limits: TestSendLimits) {
    this.byUser = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cmp-test-user', points: limits.perUserPerHour, duration: 3600 });
    this.byTenant = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cmp-test-tenant', points: limits.perTenantPerHour, duration: 3600 });
  }

  /** Counts the test, or throws 429 RATE_LIMITED with when to try again. */
  async admit(tenantId: string, userId: string): Promise<void> {
    for (const [limiter, key] of [[this.byUser, `${tenantId}:${userId}`], [this.byTenant, tenantId]] as const) {
      try {
        await limiter.consume(key);
      } catch (error) {
        // The library rejects with its own result at the limit, with an Error when Redis fails.
        if (!(error instanceof RateLimiterRes)) throw error;
        const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', `Too many test sends; try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
    }
  }

  /** Refuses a number that is not a customer who may receive this template. */
  checkRecipient(customer: Pick<CustomerDoc, 'marketingConsent'> | null, template: Pick<TemplateView, 'category'>): void {
    if (!customer) {
      throw AppError.validation([{ field: 'body.phone', message: 'is not a customer of this workspace; a test goes only to your own customers, e.g. your own number saved as a customer' }]);
    }
    if (template.category === 'MARKETING' && customer.marketingConsent !== 'granted') {
      throw new AppError('NO_MARKETING_CONSENT', 'This customer has not agreed to marketing messages, so a marketing template cannot be sent to them.', { fields: [{ field: 'body.phone', message: 'has not agreed to marketing messages' }] });
    }
  }
}

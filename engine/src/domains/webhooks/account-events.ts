import type { Logger } from '../../platform/logger/logger.js';
import type { WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { AccountEventPorts } from './ports.js';

type EventItem = Extract<WebhookItem, { kind: 'event' }>;

interface Deps extends AccountEventPorts {
  logger: Logger;
}

const QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;

/** Webhook fields other than messages: marketing preferences, number health, template changes. */
export function accountEventHandler(deps: Deps) {
  return async (tenantId: string, item: EventItem): Promise<void> => {
    switch (item.field) {
      case 'user_preferences':
        return userPreferences(deps, tenantId, item);
      case 'phone_number_quality_update':
        return phoneQuality(deps, tenantId, item);
      case 'message_template_status_update':
      case 'message_template_quality_update':
      case 'template_category_update':
      case 'message_template_components_update':
        return deps.templates.applyWebhook(tenantId, item);
      default:
        deps.logger.info({ tenantId, field: item.field }, 'webhook field stored without further handling');
    }
  };
}

/** The user stopped or resumed marketing from inside WhatsApp: only they can resume it. */
async function userPreferences(deps: Deps, tenantId: string, item: EventItem): Promise<void> {
  const preferences = Array.isArray(item.value.user_preferences) ? (item.value.user_preferences as Record<string, unknown>[]) : [];
  for (const preference of preferences) {
    if (preference.category !== 'marketing_messages') continue;
    const waId = typeof preference.wa_id === 'string' ? preference.wa_id : null;
    const userId = typeof preference.user_id === 'string' ? preference.user_id : null;
    const customer = await deps.customers.byIdentity(tenantId, { waId, userId });
    if (!customer) continue;
    const to = preference.value === 'stop' ? 'revoked' : preference.value === 'resume' ? 'granted' : null;
    if (to) await deps.customers.setMarketingConsent(tenantId, String(customer._id), to, 'user_preferences', { detail: preference.detail ?? null, timestamp: preference.timestamp ?? null, key: item.key });
  }
}

async function phoneQuality(deps: Deps, tenantId: string, item: EventItem): Promise<void> {
  const phoneNumberId = item.phoneNumberId ?? (await deps.channels.phoneNumberIdOf(tenantId, item.wabaId, item.value.display_phone_number));
  if (!phoneNumberId) return;
  const tier = item.value.max_daily_conversations_per_business ?? item.value.current_limit;
  const quality = QUALITY.find((q) => q === item.value.quality_rating || q === item.value.new_quality_score);
  await deps.channels.updateHealth(tenantId, phoneNumberId, {
    ...(typeof tier === 'string' ? { messagingTier: tier } : {}),
    ...(quality ? { qualityRating: quality } : {}),
    ...(item.value.event === 'THROUGHPUT_UPGRADE' ? { throughput: 1000 } : {}),
  });
}

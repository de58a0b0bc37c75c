import { createHmac } from 'node:crypto';
import type { SimContext } from '../state/context.js';
import type { MediaItem } from '../state/media.js';
import { sha256Hex } from '../state/media.js';
import type { BusinessNumber } from '../state/numbers.js';
import type { TemplateRecord } from '../templates/templates.store.js';
import type { Json } from '../webhooks/payloads.js';
import { GraphError } from './errors.js';

function pick(all: Json, fields: string | undefined, defaults: string[], node: string): Json {
  const wanted = fields ? fields.split(',').map((field) => field.trim()).filter(Boolean) : defaults;
  const out: Json = {};
  for (const field of wanted) {
    if (!(field in all)) throw new GraphError(100, `Tried accessing nonexisting field (${field}) on node type (${node})`);
    out[field] = all[field];
  }
  out.id = all.id;
  return out;
}

/** `GET /{phone-number-id}` (§7.1). `messaging_limit_tier` is deprecated but still answered. */
export function phoneNumberView(number: BusinessNumber, fields: string | undefined): Json {
  const { config } = number;
  const all: Json = {
    verified_name: config.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: config.displayPhoneNumber,
    quality_rating: config.quality,
    platform_type: 'CLOUD_API',
    throughput: { level: config.throughput >= 1000 ? 'HIGH' : 'STANDARD' },
    webhook_configuration: { application: config.webhookUrl ?? '' },
    whatsapp_business_manager_messaging_limit: config.tier,
    messaging_limit_tier: config.tier,
    name_status: 'APPROVED',
    status: config.blockedCode === null ? 'CONNECTED' : 'RESTRICTED',
    account_mode: 'LIVE',
    is_official_business_account: false,
    id: config.phoneNumberId,
  };
  const defaults = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'webhook_configuration'];
  return pick(all, fields, defaults, 'WhatsAppBusinessPhoneNumber');
}

export function templateView(template: TemplateRecord, fields: string | undefined): Json {
  const all: Json = {
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    quality_score: { score: template.qualityScore },
    rejected_reason: template.rejectedReason,
    id: template.id,
  };
  return pick(all, fields, ['name', 'parameter_format', 'components', 'language', 'status', 'category'], 'WhatsAppMessageTemplate');
}

/** Download URLs live about 5 minutes (virtual) and still need the Bearer token (§1.4). */
export function mediaUrl(ctx: SimContext, media: MediaItem): string {
  const expires = Math.floor(ctx.clock.now() / 1000) + 300;
  return `${ctx.baseUrl}/whatsapp_business/attachments/?mid=${media.id}&ext=${expires}&hash=${mediaHash(ctx, media.id, expires)}`;
}

export function mediaHash(ctx: SimContext, mediaId: string, expires: number): string {
  return createHmac('sha256', ctx.seed).update(`${mediaId}|${expires}`).digest('base64url').slice(0, 24);
}

export function mediaView(ctx: SimContext, media: MediaItem): Json {
  return {
    messaging_product: 'whatsapp',
    url: mediaUrl(ctx, media),
    mime_type: media.mimeType,
    sha256: sha256Hex(media.bytes),
    file_size: media.bytes.length,
    id: media.id,
  };
}

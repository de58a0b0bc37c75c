import { canonicalWaId, digitsOf, isPlausibleNumber } from '../core/phone.js';
import type { SimContext } from '../state/context.js';
import { portfolioOf, type BusinessNumber } from '../state/numbers.js';
import type { SendRecord } from '../state/records.js';
import type { SimUser, Thread } from '../state/users.js';
import { checkTemplateParameters, checkTemplateStatus, sendTemplateSchema, type SendTemplate } from '../templates/template-send.js';
import type { TemplateRecord } from '../templates/templates.store.js';
import type { Json } from '../webhooks/payloads.js';
import { conversationFor, pricingFor } from '../webhooks/pricing.js';
import { GraphError } from './errors.js';
import { checkInteractive } from './interactive.rules.js';
import { envelopeSchema, markReadSchema, MEDIA_TYPES, parseOr, PAYLOAD_SCHEMAS, type SendEnvelope } from './send.schemas.js';
import { checkAvailability, policyFailure, windowOf } from './send.policy.js';

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `POST /{pnid}/messages`: a send, or a mark-as-read when the body carries `status: "read"`. */
export function postMessages(ctx: SimContext, number: BusinessNumber, body: unknown): Json {
  if (isRecord(body) && body.status === 'read') return markRead(ctx, number, body);
  return send(ctx, number, isRecord(body) ? body : {});
}

function markRead(ctx: SimContext, number: BusinessNumber, body: Json): Json {
  const request = parseOr(markReadSchema, body, '');
  const inbound = ctx.inbound.get(request.message_id);
  if (!inbound || inbound.phoneNumberId !== number.config.phoneNumberId) {
    throw new GraphError(100, `message_id: ${request.message_id} is not a message received by this number`);
  }
  inbound.readAt ??= ctx.clock.now();
  if (request.typing_indicator) inbound.typingIndicator = true;
  return { success: true };
}

interface Target {
  user: SimUser;
  input: string;
  waId: string | null;
  userId: string;
  byUserId: boolean;
}

function resolveTarget(ctx: SimContext, number: BusinessNumber, envelope: SendEnvelope): Target {
  if ((envelope.to === undefined) === (envelope.recipient === undefined)) throw new GraphError(100, 'Exactly one of to or recipient is required.');
  if (envelope.recipient_type === 'group') throw new GraphError(100, 'recipient_type: group messaging is not simulated.');
  const portfolio = portfolioOf(number.config);
  if (envelope.recipient !== undefined) {
    const user = ctx.users.findByUserId(envelope.recipient);
    if (!user) throw new GraphError(100, `recipient: unknown business-scoped user id ${envelope.recipient}`);
    return { user, input: envelope.recipient, waId: user.waId, userId: ctx.users.userIdFor(user, portfolio), byUserId: true };
  }
  const input = envelope.to ?? '';
  const digits = digitsOf(input);
  if (!isPlausibleNumber(digits)) throw new GraphError(100, `to: ${input} is not a valid WhatsApp phone number`);
  const waId = canonicalWaId(digits);
  if (waId === digitsOf(number.config.displayPhoneNumber)) throw new GraphError(131021, 'The recipient is the sender phone number.');
  const user = ctx.users.ensureByWaId(waId);
  return { user, input, waId, userId: ctx.users.userIdFor(user, portfolio), byUserId: false };
}

function validatePayload(ctx: SimContext, envelope: SendEnvelope, body: Json): SendTemplate | null {
  const payload = body[envelope.type];
  if (payload === undefined) throw new GraphError(100, `The parameter ${envelope.type} is required.`);
  if (envelope.type === 'template') return parseOr(sendTemplateSchema, payload, 'template');
  if (envelope.type === 'interactive') {
    checkInteractive(payload);
    return null;
  }
  const schema = PAYLOAD_SCHEMAS[envelope.type];
  if (!schema) throw new GraphError(100, `type: unsupported message type ${envelope.type}`);
  parseOr(schema, payload, envelope.type);
  const mediaId = isRecord(payload) && typeof payload.id === 'string' ? payload.id : undefined;
  if (MEDIA_TYPES.some((type) => type === envelope.type) && mediaId !== undefined && !ctx.media.get(mediaId)) {
    throw new GraphError(131009, `${envelope.type}.id: unknown media id ${mediaId}`);
  }
  return null;
}

function resolveTemplate(ctx: SimContext, number: BusinessNumber, request: SendTemplate): TemplateRecord {
  const found = ctx.templates.find(number.config.wabaId, request.name, request.language.code);
  const template = checkTemplateStatus(found, request.name, request.language.code);
  checkTemplateParameters(template, request);
  checkHeaderMediaId(ctx, number, request);
  return template;
}

/** A media header given by id must name a file this number uploaded, of the header's kind. */
function checkHeaderMediaId(ctx: SimContext, number: BusinessNumber, request: SendTemplate): void {
  const [param] = request.components.find((component) => component.type === 'header')?.parameters ?? [];
  const kind = param?.type;
  const object = kind === undefined ? undefined : param?.[kind];
  const id = isRecord(object) && typeof object.id === 'string' ? object.id : undefined;
  if (kind === undefined || id === undefined) return;
  const media = ctx.media.get(id);
  if (!media || media.phoneNumberId !== number.config.phoneNumberId) throw new GraphError(131009, `header.${kind}.id: unknown media id ${id}`);
  const fits = kind === 'image' ? media.mimeType.startsWith('image/') : kind === 'video' ? media.mimeType.startsWith('video/') : kind === 'document';
  if (!fits) throw new GraphError(132012, `header.${kind}.id: media ${id} is ${media.mimeType}, not a ${kind}`);
}

interface Accepted {
  number: BusinessNumber;
  envelope: SendEnvelope;
  target: Target;
  template: TemplateRecord | null;
  thread: Thread;
  body: Json;
  now: number;
}

function buildRecord(ctx: SimContext, accepted: Accepted): SendRecord {
  const { number, envelope, target, template, thread, body, now } = accepted;
  const category = template ? template.category.toLowerCase() : 'service';
  const pricing = pricingFor({ isTemplate: template !== null, category, ...windowOf(thread, now) });
  return {
    id: ctx.ids.wamid(target.waId ?? target.userId, 'out'),
    phoneNumberId: number.config.phoneNumberId,
    wabaId: number.config.wabaId,
    to: envelope.to ?? null,
    recipient: envelope.recipient ?? null,
    waId: target.waId,
    userId: target.userId,
    userKey: target.user.key,
    type: envelope.type,
    category,
    templateName: template?.name ?? null,
    request: body,
    bizOpaqueCallbackData: envelope.biz_opaque_callback_data ?? null,
    acceptedAt: now,
    pricing,
    conversation: conversationFor(thread, pricing, now, ctx.ids),
    plannedFailure: null,
    statuses: [],
  };
}

/**
 * Order of checks: structure and payload (100/131009), recipient, template (132xxx), then the
 * number's throughput (130429) and the pair rate (131056); policy failures come after acceptance.
 */
function send(ctx: SimContext, number: BusinessNumber, body: Json): Json {
  const envelope = parseOr(envelopeSchema, body, '');
  const now = ctx.clock.now();
  checkAvailability(number, now);
  const request = validatePayload(ctx, envelope, body);
  const target = resolveTarget(ctx, number, envelope);
  const template = request ? resolveTemplate(ctx, number, request) : null;
  if (!number.throughput.take(now)) throw new GraphError(130429, `Cloud API message throughput (${number.config.throughput} mps) has been reached.`);
  const thread = ctx.users.thread(number.config.phoneNumberId, target.user, ctx.settings.pairRate, now);
  if (!thread.pair.take(now)) {
    throw new GraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same recipient in a short period of time.');
  }
  const record = buildRecord(ctx, { number, envelope, target, template, thread, body, now });
  const forcedCap = ctx.timeline.chaosFor(record).marketingCap ?? false;
  const window = windowOf(thread, now);
  const failure = policyFailure(ctx, { number, user: target.user, thread, template, window, forcedCap, now }) ?? ctx.timeline.chaosFailure(record);
  record.plannedFailure = failure?.code ?? null;
  ctx.sends.add(record);
  ctx.timeline.schedule(record, failure, ctx.hooks.readsOwnedBy(record));
  ctx.hooks.emitAccepted(record);
  return sendResponse(target, record.id);
}

/** §2.4; `user_id` appears in contacts when the send addressed a BSUID. */
function sendResponse(target: Target, id: string): Json {
  const contact: Json = { input: target.input };
  if (target.waId !== null) contact.wa_id = target.waId;
  if (target.byUserId) contact.user_id = target.userId;
  return { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id }] };
}

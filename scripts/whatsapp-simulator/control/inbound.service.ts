import { businessScopedUserId } from '../core/ids.js';
import { canonicalWaId, digitsOf } from '../core/phone.js';
import type { SimContext } from '../state/context.js';
import { placeholderBytes, sha256Base64 } from '../state/media.js';
import { metadataOf, portfolioOf, type BusinessNumber } from '../state/numbers.js';
import type { InboundRecord, SendRecord } from '../state/records.js';
import type { SimUser } from '../state/users.js';
import { contactOf, messagesValue, seconds, type Json } from '../webhooks/payloads.js';
import { INBOUND_PAYLOADS, inboundSchema, type InboundRequest } from './inbound.schemas.js';

export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg', video: 'video/mp4', audio: 'audio/ogg; codecs=opus', document: 'application/pdf', sticker: 'image/webp',
};

export function numberFor(ctx: SimContext, phoneNumberId: string | undefined): BusinessNumber {
  const number = phoneNumberId === undefined ? ctx.numbers.first() : ctx.numbers.get(phoneNumberId);
  if (!number) throw new ControlError(`unknown phone number id ${phoneNumberId ?? '(none configured)'}`, 404);
  return number;
}

function resolveUser(ctx: SimContext, number: BusinessNumber, request: InboundRequest): SimUser {
  const portfolio = portfolioOf(number.config);
  if (request.from !== undefined) {
    // Meta reports the canonical wa_id on inbound messages too (a Brazilian mobile without its ninth digit).
    const user = ctx.users.ensureByWaId(canonicalWaId(digitsOf(request.from)), request.name);
    if (request.userId) ctx.users.setUserId(user, portfolio, request.userId);
    return user;
  }
  const name = request.name ?? 'WhatsApp User';
  const userId = request.userId ?? businessScopedUserId('US', portfolio, `username:${name}`);
  return ctx.users.ensureUsernameUser(portfolio, userId, name);
}

/** Stores bytes for inbound media so that `GET /{media-id}` and the download URL work. */
function mediaPayload(ctx: SimContext, number: BusinessNumber, type: string, part: Json): Json {
  const { contentBase64, ...rest } = part;
  const mimeType = typeof rest.mime_type === 'string' ? rest.mime_type : (DEFAULT_MIME[type] ?? 'application/octet-stream');
  const bytes = typeof contentBase64 === 'string' ? Buffer.from(contentBase64, 'base64') : placeholderBytes(mimeType);
  const existing = typeof rest.id === 'string' ? ctx.media.get(rest.id) : undefined;
  const filename = typeof rest.filename === 'string' ? rest.filename : null;
  const media = existing ?? ctx.media.add(number.config.phoneNumberId, mimeType, bytes, filename);
  const { caption, ...others } = rest;
  return { ...(caption === undefined ? {} : { caption }), ...others, mime_type: media.mimeType, sha256: sha256Base64(media.bytes), id: media.id };
}

function payloadOf(ctx: SimContext, number: BusinessNumber, request: InboundRequest, raw: Json): Json {
  const schema = INBOUND_PAYLOADS[request.type];
  if (schema === undefined) throw new ControlError(`unknown inbound type ${request.type}`);
  if (schema === null) return {};
  const given = request.type === 'text' && typeof raw.text === 'string' ? { body: raw.text } : raw[request.type];
  const parsed = schema.safeParse(request.type === 'unsupported' ? (given ?? { type: 'unknown' }) : given);
  if (!parsed.success) throw new ControlError(`${request.type}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const value: unknown = parsed.data ?? { type: 'unknown' };
  if (request.type === 'contacts') return { contacts: value };
  const part: Json = typeof value === 'object' && value !== null ? { ...value } : {};
  if (request.type in DEFAULT_MIME) return { [request.type]: mediaPayload(ctx, number, request.type, part) };
  if (request.type === 'unsupported') {
    // Unsupported messages carry the error inline instead of a usable payload (§1.4).
    return {
      unsupported: part,
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    };
  }
  return { [request.type]: part };
}

export function lastSendTo(ctx: SimContext, phoneNumberId: string, userKey: string, accept: (send: SendRecord) => boolean = () => true): SendRecord | undefined {
  const all = ctx.sends.all();
  for (let i = all.length - 1; i >= 0; i--) {
    const send = all[i];
    if (send && send.phoneNumberId === phoneNumberId && send.userKey === userKey && accept(send)) return send;
  }
  return undefined;
}

function contextOf(ctx: SimContext, number: BusinessNumber, user: SimUser, request: InboundRequest): Json | undefined {
  const quoted = request.context?.id ?? (request.replyToLast ? lastSendTo(ctx, number.config.phoneNumberId, user.key)?.id : undefined);
  if (quoted === undefined) return undefined;
  return { ...request.context, from: metadataOf(number.config).display_phone_number, id: quoted };
}

/** Opens or resets the 24 h window; `system` notices are not messages from the user. */
function touchWindow(ctx: SimContext, number: BusinessNumber, user: SimUser, request: InboundRequest, now: number): void {
  if (request.type === 'system') return;
  const thread = ctx.users.thread(number.config.phoneNumberId, user, ctx.settings.pairRate, now);
  thread.lastInboundAt = now;
  if (request.referral?.source_type === 'ad') thread.freeEntryUntil = now + 72 * 3_600_000;
}

/** Builds a realistic `messages` webhook for an injected user message and emits it (§7.3). */
export function injectInbound(ctx: SimContext, body: unknown): InboundRecord {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) throw new ControlError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const request = parsed.data;
  const raw: Json = typeof body === 'object' && body !== null ? { ...body } : {};
  const number = numberFor(ctx, request.phoneNumberId);
  const user = resolveUser(ctx, number, request);
  const userId = ctx.users.userIdFor(user, portfolioOf(number.config));
  const now = ctx.clock.now();
  const id = ctx.ids.wamid(user.waId ?? userId, 'in');
  const context = contextOf(ctx, number, user, request);
  const message: Json = {
    ...(context ? { context } : {}),
    ...(user.waId === null ? {} : { from: user.waId }),
    from_user_id: userId,
    id,
    timestamp: String(request.timestamp ?? seconds(now)),
    type: request.type,
    ...(request.referral ? { referral: request.referral } : {}),
    ...payloadOf(ctx, number, request, raw),
  };
  touchWindow(ctx, number, user, request, now);
  const record: InboundRecord = { id, phoneNumberId: number.config.phoneNumberId, userKey: user.key, waId: user.waId, userId, type: request.type, message, receivedAt: now, readAt: null, typingIndicator: false };
  ctx.inbound.add(record);
  const value = messagesValue(number.config, [contactOf(user.name, user.waId, userId)], [message]);
  ctx.emitter.emit({ config: number.config, field: 'messages', kind: 'message', value, at: now, wamids: [id], recipient: user.waId ?? userId });
  ctx.hooks.emitInbound(record);
  return record;
}

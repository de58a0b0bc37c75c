import { AppError } from '../../platform/errors/app-error.js';
import { verifySignature } from '../../platform/whatsapp/signature.js';
import type { WebhookEnvelope, WebhookItem } from '../../platform/whatsapp/webhook-payload.js';
import type { OpenChannel } from '../channels/index.js';
import type { ChannelLookup } from './ports.js';

/** What a POST whose signature is missing, wrong, or made for a number we do not serve gets. */
function unauthenticated(): AppError {
  return new AppError('UNAUTHENTICATED', 'Missing or invalid X-Hub-Signature-256');
}

/** An HMAC key no channel has: an unknown number costs the same HMAC as a known one. */
const NO_CHANNEL_SECRET = 'no channel has this app secret';

const SIGNATURE_SHAPE = /^sha256=[0-9a-fA-F]{64}$/;

/** Refuses a POST without a well-formed signature header before any work is done on its body. */
export function requireSignatureHeader(signature: string | undefined): string {
  if (signature === undefined || !SIGNATURE_SHAPE.test(signature)) throw unauthenticated();
  return signature;
}

/** Numbers or accounts a POST may name that are not connected, looked up before it is refused. */
const MAX_UNKNOWN_REFS = 8;

/**
 * Resolves every number (or account) the envelope names to its channel, and checks the signature
 * with each channel's app secret, stopping at the first that fails. Meta puts the changes of every
 * number of an account in one POST, so a number that is not connected (never, or not any more)
 * is skipped and its items dropped, while the connected numbers' items are kept. A POST that names
 * no connected number gets the very answer a wrong signature gets, after the same HMAC, so that
 * the webhook cannot be used to learn which numbers Parley serves; a forged POST naming many
 * numbers costs a few lookups and one HMAC before it is refused.
 */
export async function resolveSigned(lookup: ChannelLookup, envelope: WebhookEnvelope, raw: Buffer, signature: string): Promise<Map<string, OpenChannel>> {
  const byRef = new Map<string, OpenChannel>();
  const unknown = new Set<string>();
  const verifiedSecrets = new Set<string>();
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const phoneNumberId = change.value.metadata?.phone_number_id;
      const ref = phoneNumberId ? numberRef(phoneNumberId) : wabaRef(entry.id);
      if (byRef.has(ref) || unknown.has(ref)) continue;
      if (unknown.size >= MAX_UNKNOWN_REFS) break;
      const channel = phoneNumberId ? await lookup.byPhoneNumberId(phoneNumberId) : await lookup.byWabaId(entry.id);
      if (!channel) {
        unknown.add(ref);
        continue;
      }
      // One POST comes from one Meta app: every channel it touches must verify the same signature.
      if (!verifiedSecrets.has(channel.appSecret)) {
        if (!verifySignature(raw, signature, channel.appSecret)) throw unauthenticated();
        verifiedSecrets.add(channel.appSecret);
      }
      byRef.set(ref, channel);
    }
  }
  if (byRef.size === 0) {
    verifySignature(raw, signature, NO_CHANNEL_SECRET);
    throw unauthenticated();
  }
  return byRef;
}

/** The channel an item came through, among those `resolveSigned` found. */
export function channelOfItem(channels: Map<string, OpenChannel>, item: WebhookItem): OpenChannel | undefined {
  const ref = item.kind === 'event' && !item.phoneNumberId ? wabaRef(item.wabaId) : numberRef(item.phoneNumberId ?? '');
  return channels.get(ref);
}

function numberRef(phoneNumberId: string): string {
  return `n:${phoneNumberId}`;
}

function wabaRef(wabaId: string): string {
  return `w:${wabaId}`;
}

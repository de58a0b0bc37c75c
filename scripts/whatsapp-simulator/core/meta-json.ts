import { createHmac } from 'node:crypto';

/**
 * Meta serialises webhook bodies with every non-ASCII UTF-16 code unit escaped as a lowercase
 * `\uXXXX` (an emoji becomes its surrogate pair), and signs those bytes. A receiver that re-serialises
 * the parsed body gets different bytes and a signature mismatch; hashing the raw bytes is the only
 * correct verification, and this is what makes the simulator catch the wrong one.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `X-Hub-Signature-256` value: HMAC-SHA256 keyed with the app secret over the exact body bytes. */
export function signatureSha256(appSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** The legacy `X-Hub-Signature` header Meta still sends; receivers are told to ignore it. */
export function signatureSha1(appSecret: string, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}

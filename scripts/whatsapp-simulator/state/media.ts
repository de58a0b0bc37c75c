import { createHash } from 'node:crypto';
import type { IdFactory } from '../core/ids.js';

export interface MediaItem {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  bytes: Buffer;
  filename: string | null;
}

/** A 1×1 PNG, the stand-in for every picture a simulated user sends. */
const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export function placeholderBytes(mimeType: string): Buffer {
  if (mimeType.startsWith('image/')) return PLACEHOLDER_PNG;
  return Buffer.from(`simulated ${mimeType} content\n`, 'utf8');
}

/** Media uploaded by the business or attached to injected inbound messages (§7.1, minimal). */
export class MediaStore {
  private readonly items = new Map<string, MediaItem>();

  constructor(private readonly ids: IdFactory) {}

  add(phoneNumberId: string, mimeType: string, bytes: Buffer, filename: string | null = null): MediaItem {
    const item: MediaItem = { id: this.ids.numeric(16), phoneNumberId, mimeType, bytes, filename };
    this.items.set(item.id, item);
    return item;
  }

  get(id: string): MediaItem | undefined {
    return this.items.get(id);
  }

  remove(id: string): boolean {
    return this.items.delete(id);
  }

  clear(): void {
    this.items.clear();
  }
}

/** Inbound webhooks carry the SHA-256 as base64; `GET /{media-id}` returns it as hex. */
export function sha256Base64(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

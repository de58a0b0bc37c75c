import type { Readable } from 'node:stream';

/**
 * A raw request body read whole, keeping at most `maxBytes`. Past the limit the rest is read on
 * and dropped (up to four times the limit), so that the client, still sending, gets the answer
 * rather than a reset connection; `size` says how much came, for the caller's own refusal.
 */
export async function readBody(body: Readable, maxBytes: number): Promise<{ bytes: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
    else if (size > maxBytes * 4) break;
  }
  return { bytes: size <= maxBytes ? Buffer.concat(chunks) : Buffer.alloc(0), size };
}

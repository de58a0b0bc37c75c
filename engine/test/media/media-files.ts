import { crc32, deflateSync } from 'node:zlib';
import type { ErrorBody, MediaView } from '@parley/common';
import type { ApiClient } from '../support/api-client.js';

/** The first bytes are what the engine checks; the rest stands in for the picture. */
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF spring offer', 'latin1'), Buffer.alloc(200, 0x42)]);
export const PDF = Buffer.from('%PDF-1.4\n% a price list\n', 'latin1');

/** A real PNG of one colour, so that a browser draws it as a thumbnail. */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: width }, () => Buffer.from(rgb)))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export const PNG = solidPng(4, 3, [37, 211, 102]);

export interface UploadResult {
  status: number;
  body: Partial<MediaView> & Partial<ErrorBody>;
}

/** Uploads a file the way the web app does: the bytes as the body, their type as Content-Type. */
export async function uploadMedia(client: ApiClient, bytes: Buffer, options: { purpose?: string; fileName?: string; type: string }): Promise<UploadResult> {
  const query = new URLSearchParams();
  if (options.purpose !== undefined) query.set('purpose', options.purpose);
  if (options.fileName !== undefined) query.set('fileName', options.fileName);
  const response = await fetch(`${client.baseUrl}/api/media?${query.toString()}`, {
    method: 'POST',
    headers: { 'content-type': options.type, cookie: client.sessionCookie ?? '', origin: client.baseUrl },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as Partial<MediaView> & Partial<ErrorBody> };
}

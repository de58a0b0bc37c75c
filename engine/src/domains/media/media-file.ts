import type { Readable } from 'node:stream';
import { isMediaMimeType, MEDIA_LIMITS, mediaFileIssue, type MediaMimeType } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { readBody } from '../../platform/http/read-body.js';

/** A body of a type no header takes is read on only this far, and kept nowhere. */
const REFUSED_READ_BYTES = 1024 * 1024;
const ACCEPTED = 'must be a JPEG or PNG image, an MP4 video or a PDF document';

/**
 * The four types a template header takes, told by their first bytes. Written here rather than
 * taken from a sniffing library: the set is fixed by WhatsApp, and each has one signature.
 */
export function sniffMediaType(bytes: Buffer): MediaMimeType | null {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  // An MP4 starts with a box whose type is `ftyp`, after its 4-byte size.
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return null;
}

function refused(code: 'VALIDATION_FAILED' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE', message: string): AppError {
  return new AppError(code, `The file ${message}`, { fields: [{ field: 'body', message }] });
}

export interface MediaFile {
  mimeType: MediaMimeType;
  bytes: Buffer;
}

/**
 * Reads an uploaded file (the raw body) and proves it is one WhatsApp takes in a template header,
 * within WhatsApp's size for its type. The bytes decide the type: a browser names it from the
 * file's extension, which a renamed file gets wrong.
 */
export async function readMediaFile(body: Readable, contentType: string): Promise<MediaFile> {
  const declared = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const known = isMediaMimeType(declared);
  const { bytes, size } = await readBody(body, known ? MEDIA_LIMITS[declared] : REFUSED_READ_BYTES);
  if (!known) throw refused('UNSUPPORTED_MEDIA_TYPE', `${ACCEPTED} (it was sent as ${declared || 'no type'})`);
  if (size === 0) throw refused('VALIDATION_FAILED', 'is empty');
  const tooLarge = mediaFileIssue(declared, size);
  if (tooLarge) throw refused('PAYLOAD_TOO_LARGE', tooLarge);
  const mimeType = sniffMediaType(bytes);
  if (!mimeType) throw refused('UNSUPPORTED_MEDIA_TYPE', `${ACCEPTED}, whatever its name says`);
  const issue = mediaFileIssue(mimeType, size);
  if (issue) throw refused('PAYLOAD_TOO_LARGE', issue);
  return { mimeType, bytes };
}

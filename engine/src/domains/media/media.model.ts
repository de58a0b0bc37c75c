import { Schema, type Types } from 'mongoose';
import type { MediaMimeType, MediaPurpose } from '@parley/common';

/**
 * A file a person uploaded for a template's sample or a campaign's header. The bytes stay in
 * Parley (the app previews them, and a campaign uploads them to WhatsApp again when its media id
 * expires); WhatsApp's handle or media id is kept beside them.
 */
export interface MediaDoc {
  _id: Types.ObjectId;
  purpose: MediaPurpose;
  fileName: string;
  mimeType: MediaMimeType;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  chunkCount: number;
  /** The Resumable Upload handle of a template example; null for a campaign header. */
  handle: string | null;
  /** WhatsApp's media id of a campaign header, and the number it was uploaded through. */
  graphMediaId: string | null;
  phoneNumberId: string | null;
  /** When the file last reached WhatsApp: a media id lives 30 days from then. */
  uploadedAt: Date;
  createdBy: string;
  createdAt: Date;
}

export const mediaSchema = new Schema<MediaDoc>(
  {
    purpose: { type: String, required: true },
    fileName: { type: String, required: true },
    mimeType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    chunkCount: { type: Number, required: true },
    handle: { type: String, default: null },
    graphMediaId: { type: String, default: null },
    phoneNumberId: { type: String, default: null },
    uploadedAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'media', versionKey: false },
);

/**
 * The bytes, in pieces well under the 16 MB document limit. Each piece's `_id` is
 * `<media id>:<n>`, so a file is read back by `_id` alone: FerretDB 1.x looks up a bare `_id`
 * directly and would read the whole collection for any other filter (DESIGN §4).
 */
export interface MediaChunkDoc {
  _id: string;
  mediaId: string;
  n: number;
  data: Buffer;
}

export const mediaChunkSchema = new Schema<MediaChunkDoc>(
  {
    _id: { type: String, required: true },
    mediaId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'media_chunks', versionKey: false },
);

export const chunkId = (mediaId: string, n: number): string => `${mediaId}:${n}`;

/**
 * A file whose chunks are being written: created before the first chunk, deleted once the record
 * is stored. One left behind (the process died in between) names the chunks the sweep deletes.
 */
export interface MediaPendingDoc {
  _id: string;
  chunkCount: number;
  at: Date;
}

export const mediaPendingSchema = new Schema<MediaPendingDoc>(
  { _id: { type: String, required: true }, chunkCount: { type: Number, required: true }, at: { type: Date, required: true } },
  { collection: 'media_pending', versionKey: false },
);

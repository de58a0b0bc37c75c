import { z } from 'zod';
import { idSchema } from './common.schema.js';

/**
 * What a file is uploaded for. `template_example`: the sample a media header is reviewed with
 * (WhatsApp's Resumable Upload API gives a handle). `campaign_header`: the file a campaign sends
 * in its template's media header (WhatsApp's media upload gives a media id).
 */
export const MEDIA_PURPOSES = ['template_example', 'campaign_header'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

const MB = 1024 * 1024;

/** The files a template header takes, with WhatsApp's size limit for each. */
export const MEDIA_LIMITS = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'video/mp4': 16 * MB,
  'application/pdf': 100 * MB,
} as const;
export type MediaMimeType = keyof typeof MEDIA_LIMITS;
export const MEDIA_MIME_TYPES = Object.keys(MEDIA_LIMITS) as MediaMimeType[];

export function isMediaMimeType(value: string): value is MediaMimeType {
  return value in MEDIA_LIMITS;
}

/** The file types a media header format takes: IMAGE → JPEG or PNG, VIDEO → MP4, DOCUMENT → PDF. */
export const MEDIA_TYPES_BY_FORMAT: Readonly<Record<'IMAGE' | 'VIDEO' | 'DOCUMENT', readonly MediaMimeType[]>> = {
  IMAGE: ['image/jpeg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
};

/** The file is sent as the raw body with its type as Content-Type; the query says what it is for. */
export const mediaUploadQuerySchema = z
  .object({
    purpose: z.enum(MEDIA_PURPOSES, { error: 'must be template_example or campaign_header' }),
    fileName: z.string().trim().min(1).max(200),
  })
  .strict();
export type MediaUploadQuery = z.infer<typeof mediaUploadQuerySchema>;

export const mediaIdParamsSchema = z.object({ id: idSchema }).strict();

export const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

/** The tenant's files of one purpose, newest first, optionally only those a header format takes. */
export const mediaListQuerySchema = z
  .object({
    purpose: z.enum(MEDIA_PURPOSES, { error: 'must be template_example or campaign_header' }),
    format: z.enum(MEDIA_FORMATS, { error: 'must be IMAGE, VIDEO or DOCUMENT' }).optional(),
  })
  .strict();
export type MediaListQuery = z.infer<typeof mediaListQuerySchema>;

export interface MediaView {
  id: string;
  purpose: MediaPurpose;
  fileName: string;
  mimeType: MediaMimeType;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** The Resumable Upload handle of a template example (what `header.example` takes); null otherwise. */
  handle: string | null;
  uploadedAt: string;
  /** Where the app shows the file (an image thumbnail, a video, a PDF). */
  contentUrl: string;
}

/** A size as people read it: 840 KB, 4.2 MB. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

const KIND_WORDS: Record<MediaMimeType, string> = {
  'image/jpeg': 'picture',
  'image/png': 'picture',
  'video/mp4': 'video',
  'application/pdf': 'document',
};

/** Why a file cannot be a template header, in words, or null when it can. */
export function mediaFileIssue(mimeType: string, size: number): string | null {
  if (!isMediaMimeType(mimeType)) return 'must be a JPEG or PNG image, an MP4 video or a PDF document';
  if (size === 0) return 'is empty';
  const limit = MEDIA_LIMITS[mimeType];
  if (size > limit) return `is ${formatFileSize(size)}: WhatsApp takes a ${KIND_WORDS[mimeType]} of at most ${formatFileSize(limit)}`;
  return null;
}

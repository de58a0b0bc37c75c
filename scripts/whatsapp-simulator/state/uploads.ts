import type { IdFactory } from '../core/ids.js';

const MB = 1024 * 1024;

/**
 * What a template's media header takes as its sample, and how large each may be: WhatsApp's own
 * media limits (image 5 MB, video 16 MB, document 100 MB).
 */
export const SAMPLE_TYPES: Readonly<Record<string, number>> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'video/mp4': 16 * MB,
  'application/pdf': 100 * MB,
};

/** The sample types each media header format accepts. */
export const SAMPLE_TYPES_BY_FORMAT: Readonly<Record<string, readonly string[]>> = {
  IMAGE: ['image/jpeg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
};

/** One Resumable Upload session: opened with the file's name, length and type, then fed bytes. */
export interface UploadSession {
  id: string;
  /** The token that opened it: only that token may feed or read it, and quote its handle. */
  accessToken: string;
  fileName: string | null;
  fileLength: number;
  fileType: string;
  parts: Buffer[];
  received: number;
  /** Issued once every byte has arrived. */
  handle: string | null;
}

export interface UploadedSample {
  handle: string;
  accessToken: string;
  fileName: string | null;
  fileType: string;
  bytes: Buffer;
}

/** Resumable Upload sessions and the handles of finished uploads (template examples, §3.1). */
export class UploadStore {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly samples = new Map<string, UploadedSample>();

  constructor(private readonly ids: IdFactory) {}

  open(accessToken: string, file: { fileName: string | null; fileLength: number; fileType: string }): UploadSession {
    const session: UploadSession = { id: this.ids.uploadSession(), accessToken, ...file, parts: [], received: 0, handle: null };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  /** Appends bytes; the handle comes once the declared length is reached. */
  append(session: UploadSession, bytes: Buffer): void {
    session.parts.push(bytes);
    session.received += bytes.length;
    if (session.received < session.fileLength) return;
    const handle = this.ids.uploadHandle(session.fileType);
    session.handle = handle;
    this.samples.set(handle, { handle, accessToken: session.accessToken, fileName: session.fileName, fileType: session.fileType, bytes: Buffer.concat(session.parts) });
    session.parts = [];
  }

  sample(handle: string): UploadedSample | undefined {
    return this.samples.get(handle);
  }

  clear(): void {
    this.sessions.clear();
    this.samples.clear();
  }
}

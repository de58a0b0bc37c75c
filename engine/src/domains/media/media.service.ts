import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MEDIA_TYPES_BY_FORMAT, type MediaListQuery, type MediaMimeType, type MediaUploadQuery, type MediaView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { GraphError, type GraphClient, type GraphFile } from '../../platform/whatsapp/graph-client.js';
import type { OpenChannel } from '../channels/index.js';
import type { MediaDoc } from './media.model.js';
import { readMediaFile } from './media-file.js';
import { MediaRepository } from './media.repository.js';
import type { MediaPorts } from './ports.js';
const DAY_MS = 24 * 3600_000;
/** WhatsApp keeps an uploaded file 30 days; a day's margin covers a campaign sending across it. */
export const MEDIA_ID_TTL_MS = 29 * DAY_MS;

/** Files listed at once: the picker shows the latest ones. */
const LIST_LIMIT = 50;

/** Says what still needs a file (in words, one per user of it); empty when nothing does. */
export type MediaUsers = (tenantId: string, mediaId: string) => Promise<string[]>;

/** The file a campaign header sends, as WhatsApp knows it now. */
export interface SendableMedia {
  graphMediaId: string;
  fileName: string;
  mimeType: MediaMimeType;
}

/**
 * Files people upload for templates and campaigns. Each reaches WhatsApp first (a resumable
 * upload for a template's sample, a media upload for a campaign's header) and is stored only once
 * WhatsApp has it: a refused or failed upload leaves nothing behind.
 */
export class MediaService {
  private readonly files: MediaRepository;
  private readonly users: MediaUsers[] = [];

  /** The repository is built on `db` here, as the webhook intake's are. */
  constructor(
    db: Database,
    private readonly channels: MediaPorts['channels'],
    private readonly graph: GraphClient,
  ) {
    this.files = new MediaRepository(db);
  }

  async upload(tenantId: string, body: Readable, contentType: string, query: MediaUploadQuery, userId: string): Promise<MediaView> {
    const { mimeType, bytes } = await readMediaFile(body, contentType);
    // Templates and campaigns belong to the tenant's first number, so its files go there too.
    const [channel] = await this.channels.openAll(tenantId);
    if (!channel) throw new AppError('CONFLICT', 'Connect a WhatsApp number first (WhatsApp numbers): files are uploaded to its business account.');
    const file: GraphFile = { fileName: query.fileName, mimeType, bytes };
    const sent = await toWhatsApp(async (): Promise<Pick<MediaDoc, 'handle' | 'graphMediaId'>> => {
      if (query.purpose === 'template_example') return { handle: (await this.graph.uploadExample(channel, file)).handle, graphMediaId: null };
      return { handle: null, graphMediaId: (await this.graph.uploadMedia(channel, file)).id };
    });
    const now = new Date();
    const doc = await this.files.store(
      tenantId,
      {
        purpose: query.purpose,
        fileName: query.fileName,
        mimeType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        ...sent,
        phoneNumberId: sent.graphMediaId === null ? null : channel.phoneNumberId,
        uploadedAt: now,
        createdBy: userId,
        createdAt: now,
      },
      bytes,
    );
    return toView(doc);
  }

  /** Lets a domain keep the files it still needs from being deleted (campaigns, their headers). */
  guardDeletion(users: MediaUsers): void {
    this.users.push(users);
  }

  async list(tenantId: string, query: MediaListQuery): Promise<MediaView[]> {
    const docs = await this.files.latest(tenantId, query.purpose, query.format ? MEDIA_TYPES_BY_FORMAT[query.format] : null, LIST_LIMIT);
    return docs.map(toView);
  }

  /**
   * Deletes a file nothing needs any more, so that no crash leaves a record without its bytes.
   * WhatsApp forgets its copy after 30 days.
   */
  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.load(tenantId, id);
    const users = (await Promise.all(this.users.map((usersOf) => usersOf(tenantId, id)))).flat();
    if (users.length > 0) throw new AppError('CONFLICT', `${doc.fileName} is still in use: ${users.join('; ')}. Choose another file there first.`, { usedBy: users });
    await this.files.remove(tenantId, doc);
  }

  /**
   * Deletes the chunks of uploads a crash cut off between their first chunk and their record
   * (older than `olderThanMs`, so that an upload under way is left alone). Returns how many.
   */
  async sweep(tenantId: string, olderThanMs: number): Promise<number> {
    return this.files.sweep(tenantId, olderThanMs);
  }

  async get(tenantId: string, id: string): Promise<MediaView> {
    return toView(await this.load(tenantId, id));
  }

  /** The record, or null when the tenant has no such file. */
  async find(tenantId: string, id: string): Promise<MediaView | null> {
    const doc = await this.lookup(tenantId, id);
    return doc ? toView(doc) : null;
  }

  async content(tenantId: string, id: string): Promise<{ fileName: string; mimeType: MediaMimeType; bytes: Buffer }> {
    const doc = await this.load(tenantId, id);
    return { fileName: doc.fileName, mimeType: doc.mimeType, bytes: await this.files.bytesOf(tenantId, doc) };
  }

  /**
   * The media id a campaign sends through this channel. WhatsApp forgets an upload after 30 days,
   * so one older than 29 days, or made through another number, is uploaded again and its new id
   * kept. Two processes doing so at once each get a valid id; the last one written stays.
   */
  async sendable(tenantId: string, id: string, channel: OpenChannel): Promise<SendableMedia> {
    const doc = await this.load(tenantId, id);
    const fresh = doc.graphMediaId !== null && doc.phoneNumberId === channel.phoneNumberId && Date.now() - doc.uploadedAt.getTime() < MEDIA_ID_TTL_MS;
    if (fresh && doc.graphMediaId !== null) return { graphMediaId: doc.graphMediaId, fileName: doc.fileName, mimeType: doc.mimeType };
    const bytes = await this.files.bytesOf(tenantId, doc);
    const { id: graphMediaId } = await toWhatsApp(() => this.graph.uploadMedia(channel, { fileName: doc.fileName, mimeType: doc.mimeType, bytes }), 'The file stays in Parley as it was.');
    await this.files.recordUpload(tenantId, doc._id, graphMediaId, channel.phoneNumberId);
    return { graphMediaId, fileName: doc.fileName, mimeType: doc.mimeType };
  }

  private async load(tenantId: string, id: string): Promise<MediaDoc> {
    const doc = await this.lookup(tenantId, id);
    if (!doc) throw AppError.notFound('File');
    return doc;
  }

  private async lookup(tenantId: string, id: string): Promise<MediaDoc | null> {
    return this.files.find(tenantId, id);
  }
}

/**
 * Runs a Graph upload, turning its failure into a 502 that says whether WhatsApp refused or was
 * unreachable, and then what became of the file (`after`).
 */
async function toWhatsApp<T>(upload: () => Promise<T>, after = 'Nothing was saved.'): Promise<T> {
  try {
    return await upload();
  } catch (error) {
    if (error instanceof GraphError) {
      const said = error.details ?? error.message;
      throw new AppError('BAD_GATEWAY', `WhatsApp refused the file: ${said}. ${after}`, { graphCode: error.code });
    }
    throw new AppError('BAD_GATEWAY', `WhatsApp could not be reached to take the file. ${after} Try again in a moment.`);
  }
}

function toView(doc: MediaDoc): MediaView {
  const id = String(doc._id);
  return {
    id,
    purpose: doc.purpose,
    fileName: doc.fileName,
    mimeType: doc.mimeType,
    size: doc.size,
    sha256: doc.sha256,
    handle: doc.handle,
    uploadedAt: doc.uploadedAt.toISOString(),
    contentUrl: `/api/media/${id}/content`,
  };
}

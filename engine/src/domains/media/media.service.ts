import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Binary } from 'mongodb';
import { Types, type Model } from 'mongoose';
import { MEDIA_TYPES_BY_FORMAT, type MediaListQuery, type MediaMimeType, type MediaUploadQuery, type MediaView } from '@parley/common';
import { eachLimited } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { GraphError, type GraphClient, type GraphFile } from '../../platform/whatsapp/graph-client.js';
import type { ChannelsService, OpenChannel } from '../channels/index.js';
import { chunkId, mediaChunkSchema, mediaPendingSchema, mediaSchema, type MediaChunkDoc, type MediaDoc, type MediaPendingDoc } from './media.model.js';
import { readMediaFile } from './media-file.js';

const CHUNK_BYTES = 1024 * 1024;
/** Chunks written per insert: a few MB a command, whatever the file's size. */
const CHUNKS_PER_INSERT = 8;
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
  private readonly media: (tenantId: string) => Model<MediaDoc>;
  private readonly chunks: (tenantId: string) => Model<MediaChunkDoc>;
  private readonly pending: (tenantId: string) => Model<MediaPendingDoc>;
  private readonly users: MediaUsers[] = [];

  constructor(
    db: Database,
    private readonly channels: ChannelsService,
    private readonly graph: GraphClient,
  ) {
    this.media = db.defineTenantModel('Media', mediaSchema);
    this.chunks = db.defineTenantModel('MediaChunk', mediaChunkSchema);
    this.pending = db.defineTenantModel('MediaPending', mediaPendingSchema);
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
    const doc: MediaDoc = {
      _id: new Types.ObjectId(),
      purpose: query.purpose,
      fileName: query.fileName,
      mimeType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      chunkCount: Math.ceil(bytes.length / CHUNK_BYTES),
      ...sent,
      phoneNumberId: sent.graphMediaId === null ? null : channel.phoneNumberId,
      uploadedAt: now,
      createdBy: userId,
      createdAt: now,
    };
    await this.store(tenantId, doc, bytes);
    return toView(doc);
  }

  /** Lets a domain keep the files it still needs from being deleted (campaigns, their headers). */
  guardDeletion(users: MediaUsers): void {
    this.users.push(users);
  }

  async list(tenantId: string, query: MediaListQuery): Promise<MediaView[]> {
    const filter = { purpose: query.purpose, ...(query.format ? { mimeType: { $in: [...MEDIA_TYPES_BY_FORMAT[query.format]] } } : {}) };
    const docs = await this.media(tenantId).find(filter).sort({ createdAt: -1 }).limit(LIST_LIMIT).lean();
    return docs.map(toView);
  }

  /**
   * Deletes a file nothing needs any more: the record first, so that a crash leaves bytes nobody
   * can reach rather than a record without its bytes, and under a pending mark, so that the sweep
   * deletes what a crash left of them. WhatsApp forgets its copy after 30 days.
   */
  async remove(tenantId: string, id: string): Promise<void> {
    const doc = await this.load(tenantId, id);
    const users = (await Promise.all(this.users.map((usersOf) => usersOf(tenantId, id)))).flat();
    if (users.length > 0) throw new AppError('CONFLICT', `${doc.fileName} is still in use: ${users.join('; ')}. Choose another file there first.`, { usedBy: users });
    await this.pending(tenantId).updateOne({ _id: id }, { $set: { chunkCount: doc.chunkCount, at: new Date() } }, { upsert: true });
    await this.media(tenantId).deleteOne({ _id: doc._id });
    await this.deleteChunks(tenantId, id, doc.chunkCount);
    await this.pending(tenantId).deleteOne({ _id: id });
  }

  /**
   * Deletes the chunks of uploads a crash cut off between their first chunk and their record
   * (older than `olderThanMs`, so that an upload under way is left alone). Returns how many.
   */
  async sweep(tenantId: string, olderThanMs: number): Promise<number> {
    const stale = await this.pending(tenantId)
      .find({ at: { $lt: new Date(Date.now() - olderThanMs) } })
      .limit(100)
      .lean();
    for (const upload of stale) {
      if (!(await this.media(tenantId).exists({ _id: upload._id }))) await this.deleteChunks(tenantId, upload._id, upload.chunkCount);
      await this.pending(tenantId).deleteOne({ _id: upload._id });
    }
    return stale.length;
  }

  /** By `_id`, chunk by chunk: FerretDB reads the whole collection for any other filter. */
  private async deleteChunks(tenantId: string, mediaId: string, chunkCount: number): Promise<void> {
    const ids = Array.from({ length: chunkCount }, (_, n) => chunkId(mediaId, n));
    await eachLimited(ids, 4, async (id) => {
      await this.chunks(tenantId).deleteOne({ _id: id });
    });
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
    return { fileName: doc.fileName, mimeType: doc.mimeType, bytes: await this.bytesOf(tenantId, doc) };
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
    const bytes = await this.bytesOf(tenantId, doc);
    const { id: graphMediaId } = await toWhatsApp(() => this.graph.uploadMedia(channel, { fileName: doc.fileName, mimeType: doc.mimeType, bytes }), 'The file stays in Parley as it was.');
    await this.media(tenantId).updateOne({ _id: doc._id }, { $set: { graphMediaId, phoneNumberId: channel.phoneNumberId, uploadedAt: new Date() } });
    return { graphMediaId, fileName: doc.fileName, mimeType: doc.mimeType };
  }

  /**
   * Chunks first, the record last: a record is there only when every byte is. A pending mark
   * before the chunks lets the sweep delete those of an upload that a crash cut off.
   */
  private async store(tenantId: string, doc: MediaDoc, bytes: Buffer): Promise<void> {
    const mediaId = String(doc._id);
    const pieces: MediaChunkDoc[] = [];
    for (let n = 0; n < doc.chunkCount; n += 1) pieces.push({ _id: chunkId(mediaId, n), mediaId, n, data: bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) });
    await this.pending(tenantId).create({ _id: mediaId, chunkCount: doc.chunkCount, at: new Date() });
    try {
      for (let at = 0; at < pieces.length; at += CHUNKS_PER_INSERT) await this.chunks(tenantId).insertMany(pieces.slice(at, at + CHUNKS_PER_INSERT), { ordered: true, lean: true });
      await this.media(tenantId).create(doc);
    } catch (error) {
      await this.deleteChunks(tenantId, mediaId, doc.chunkCount);
      await this.pending(tenantId).deleteOne({ _id: mediaId });
      throw error;
    }
    await this.pending(tenantId).deleteOne({ _id: mediaId });
  }

  private async load(tenantId: string, id: string): Promise<MediaDoc> {
    const doc = await this.lookup(tenantId, id);
    if (!doc) throw AppError.notFound('File');
    return doc;
  }

  private async lookup(tenantId: string, id: string): Promise<MediaDoc | null> {
    return Types.ObjectId.isValid(id) ? this.media(tenantId).findById(id).lean() : null;
  }

  /** Read chunk by chunk through `_id`, the lookup FerretDB answers without a scan. */
  private async bytesOf(tenantId: string, doc: MediaDoc): Promise<Buffer> {
    const mediaId = String(doc._id);
    const parts: Buffer[] = [];
    for (let n = 0; n < doc.chunkCount; n += 1) {
      const chunk = await this.chunks(tenantId).findById(chunkId(mediaId, n)).lean();
      if (!chunk) throw new AppError('MEDIA_INCOMPLETE', `Part of ${doc.fileName} is missing from storage (piece ${n + 1} of ${doc.chunkCount}). Upload the file again.`);
      parts.push(bufferOf(chunk.data));
    }
    return Buffer.concat(parts);
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

/** A lean read gives binary fields as BSON Binary, not as Buffer. */
function bufferOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Binary) return Buffer.from(data.buffer.subarray(0, data.position));
  throw new Error('a media chunk holds no bytes');
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

import { Binary } from 'mongodb';
import { Types, type Model } from 'mongoose';
import type { MediaMimeType, MediaPurpose } from '@parley/common';
import { eachLimited } from '../../platform/db/by-id.js';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { chunkId, mediaChunkSchema, mediaPendingSchema, mediaSchema, type MediaChunkDoc, type MediaDoc, type MediaPendingDoc } from './media.model.js';

const CHUNK_BYTES = 1024 * 1024;
/** Chunks written per insert: a few MB a command, whatever the file's size. */
const CHUNKS_PER_INSERT = 8;

/**
 * Storage of files: a record per file and its bytes in chunks keyed `<media id>:<n>`, read and
 * deleted by `_id` alone, with a pending mark around every write that a crash could cut off.
 */
export class MediaRepository {
  private readonly media: (tenantId: string) => Model<MediaDoc>;
  private readonly chunks: (tenantId: string) => Model<MediaChunkDoc>;
  private readonly pending: (tenantId: string) => Model<MediaPendingDoc>;

  constructor(db: Database) {
    this.media = db.defineTenantModel('Media', mediaSchema);
    this.chunks = db.defineTenantModel('MediaChunk', mediaChunkSchema);
    this.pending = db.defineTenantModel('MediaPending', mediaPendingSchema);
  }

  /** The latest files of a purpose, of one of these types when given. */
  async latest(tenantId: string, purpose: MediaPurpose, mimeTypes: readonly MediaMimeType[] | null, limit: number): Promise<MediaDoc[]> {
    const filter = { purpose, ...(mimeTypes ? { mimeType: { $in: [...mimeTypes] } } : {}) };
    return this.media(tenantId).find(filter).sort({ createdAt: -1 }).limit(limit).lean();
  }

  /** The record, or null when the tenant has no such file (or the id is not one). */
  async find(tenantId: string, id: string): Promise<MediaDoc | null> {
    return Types.ObjectId.isValid(id) ? this.media(tenantId).findById(id).lean() : null;
  }

  /** Keeps the media id a fresh upload to WhatsApp gave, and when and through which number. */
  async recordUpload(tenantId: string, id: Types.ObjectId, graphMediaId: string, phoneNumberId: string): Promise<void> {
    await this.media(tenantId).updateOne({ _id: id }, { $set: { graphMediaId, phoneNumberId, uploadedAt: new Date() } });
  }

  /**
   * Chunks first, the record last: a record is there only when every byte is. A pending mark
   * before the chunks lets the sweep delete those of an upload that a crash cut off.
   */
  async store(tenantId: string, file: Omit<MediaDoc, '_id' | 'chunkCount'>, bytes: Buffer): Promise<MediaDoc> {
    const doc: MediaDoc = { _id: new Types.ObjectId(), ...file, chunkCount: Math.ceil(bytes.length / CHUNK_BYTES) };
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
    return doc;
  }

  /**
   * The record first, so that a crash leaves bytes nobody can reach rather than a record without
   * its bytes, and under a pending mark, so that the sweep deletes what a crash left of them.
   */
  async remove(tenantId: string, doc: MediaDoc): Promise<void> {
    const id = String(doc._id);
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

  /** Read chunk by chunk through `_id`, the lookup FerretDB answers without a scan. */
  async bytesOf(tenantId: string, doc: MediaDoc): Promise<Buffer> {
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

/** A lean read gives binary fields as BSON Binary, not as Buffer. */
function bufferOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Binary) return Buffer.from(data.buffer.subarray(0, data.position));
  throw new Error('a media chunk holds no bytes');
}

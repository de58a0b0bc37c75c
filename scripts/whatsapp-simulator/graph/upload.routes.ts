import express, { type Request } from 'express';
import type { SimContext } from '../state/context.js';
import { SAMPLE_TYPES, type UploadSession } from '../state/uploads.js';
import type { Json } from '../webhooks/payloads.js';
import { missingObject, requireToken } from './auth.js';
import { GraphError } from './errors.js';

const MB = 1024 * 1024;
const query = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/** The bytes of an upload come as the raw body, whatever their Content-Type. */
export const uploadBody = express.raw({ type: () => true, limit: '101mb' });

/**
 * `POST /app/uploads?file_name=&file_length=&file_type=`: opens a Resumable Upload session, the
 * way a template's media sample reaches Meta. Type and length are checked here, before any byte.
 */
export function openUploadSession(ctx: SimContext, req: Request): Json {
  const token = requireToken(ctx, req);
  const fileType = query(req, 'file_type');
  const fileLength = Number(query(req, 'file_length'));
  if (fileType === undefined) throw new GraphError(100, 'file_type: the parameter file_type is required.');
  const limit = SAMPLE_TYPES[fileType];
  if (limit === undefined) throw new GraphError(100, `file_type: ${fileType} is not supported; a template sample is one of ${Object.keys(SAMPLE_TYPES).join(', ')}.`);
  if (!Number.isInteger(fileLength) || fileLength <= 0) throw new GraphError(100, 'file_length: the parameter file_length must be the size of the file in bytes.');
  if (fileLength > limit) throw new GraphError(100, `file_length: a ${fileType} file may be at most ${limit / MB} MB.`);
  const session = ctx.uploads.open(token, { fileName: query(req, 'file_name') ?? null, fileLength, fileType });
  return { id: session.id };
}

function sessionFor(ctx: SimContext, req: Request, id: string): UploadSession {
  const token = requireToken(ctx, req);
  const session = ctx.uploads.session(id);
  if (!session) throw missingObject(id);
  if (session.accessToken !== token) throw new GraphError(10, `The access token has no permission on upload session ${id}.`);
  return session;
}

/**
 * `POST /upload:<id>` with `file_offset` and the bytes as the body. The offset must be where the
 * session stands, so an interrupted upload resumes where `GET /upload:<id>` says it stopped. The
 * handle (`h`) comes with the last byte.
 */
export function feedUploadSession(ctx: SimContext, req: Request, id: string): Json {
  const session = sessionFor(ctx, req, id);
  const offset = Number(req.get('file_offset'));
  if (session.handle !== null) throw new GraphError(100, `file_offset: upload session ${id} is complete.`);
  if (!Number.isInteger(offset) || offset !== session.received) {
    throw new GraphError(100, `file_offset: the session holds ${session.received} bytes; send file_offset: ${session.received} and the bytes from there.`);
  }
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (bytes.length === 0) throw new GraphError(100, 'The request body holds no bytes of the file.');
  if (session.received + bytes.length > session.fileLength) {
    throw new GraphError(100, `The file is longer than the file_length (${session.fileLength} bytes) the session was opened with.`);
  }
  ctx.uploads.append(session, bytes);
  return session.handle === null ? { id: session.id, file_offset: session.received } : { h: session.handle };
}

/** `GET /upload:<id>`: how many bytes arrived, to resume from there. */
export function uploadSessionStatus(ctx: SimContext, req: Request, id: string): Json {
  const session = sessionFor(ctx, req, id);
  return { id: session.id, file_offset: session.received };
}

import express, { type Request, type Response, type Router } from 'express';
import type { SimContext } from '../state/context.js';
import type { BusinessNumber } from '../state/numbers.js';
import { bearerToken } from './auth.js';
import { GraphError } from './errors.js';
import { mediaHash } from './views.js';

/** `POST /{pnid}/media`: multipart with `file`, `type` and `messaging_product`, like Meta's. */
export async function uploadMedia(ctx: SimContext, number: BusinessNumber, req: Request): Promise<{ id: string }> {
  const contentType = req.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data') || !Buffer.isBuffer(req.body)) {
    throw new GraphError(100, 'The media upload must be multipart/form-data with a file field.');
  }
  // The WHATWG Response parser reads multipart bodies, so no upload middleware is needed.
  const form = await new Response(req.body, { headers: { 'content-type': contentType } }).formData();
  const file = form.get('file');
  if (form.get('messaging_product') !== 'whatsapp') throw new GraphError(100, 'The parameter messaging_product is required.');
  if (!(file instanceof Blob)) throw new GraphError(100, 'The parameter file is required.');
  const type = form.get('type');
  const mimeType = typeof type === 'string' && type.length > 0 ? type : file.type || 'application/octet-stream';
  const filename = file instanceof File ? file.name : null;
  const media = ctx.media.add(number.config.phoneNumberId, mimeType, Buffer.from(await file.arrayBuffer()), filename);
  return { id: media.id };
}

export const multipartBody = express.raw({ type: 'multipart/form-data', limit: '100mb' });

/**
 * The download URL returned by `GET /{media-id}`. Like Meta's, it expires after about five
 * minutes and still requires the Bearer token of a number that can see the media.
 */
export function mediaDownloadRouter(ctx: SimContext): Router {
  const router = express.Router();
  router.get('/whatsapp_business/attachments/', (req: Request, res: Response) => {
    const id = String(req.query.mid ?? '');
    const expires = Number(req.query.ext ?? 0);
    const media = ctx.media.get(id);
    const number = media ? ctx.numbers.get(media.phoneNumberId) : undefined;
    if (!media || !number || bearerToken(req) !== number.config.accessToken) {
      res.status(401).json(new GraphError(190, 'Invalid OAuth access token - Cannot parse access token').toBody(ctx.ids.fbtrace()));
      return;
    }
    if (req.query.hash !== mediaHash(ctx, id, expires) || ctx.clock.now() / 1000 > expires) {
      res.status(404).send('URL signature expired');
      return;
    }
    res.type(media.mimeType).send(media.bytes);
  });
  return router;
}

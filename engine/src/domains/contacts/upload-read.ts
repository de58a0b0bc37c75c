import { Readable } from 'node:stream';
import { readBody } from '../../platform/http/read-body.js';
import { badFile, readCsvUpload, tooLarge, type CsvUpload } from './csv-read.js';
import type { UploadLimits } from './upload-limits.js';
import { XLSX_CONTENT_TYPE, readXlsxUpload, refuseOle, spreadsheetKind } from './xlsx-read.js';

/** Enough of the file to tell a zip (xlsx) or an OLE file (.xls, encrypted xlsx) from text. */
const MAGIC_BYTES = 8;

/** The first bytes of a stream, and the whole stream again (those bytes included) to read on. */
async function peek(body: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: AsyncIterator<Buffer> = body[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size && !ended) {
    const next = await chunks.next();
    if (next.done) ended = true;
    else {
      seen.push(next.value);
      length += next.value.length;
    }
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* seen;
      for (let next = ended ? null : await chunks.next(); next && !next.done; next = await chunks.next()) yield next.value;
    } finally {
      await chunks.return?.();
    }
  }
  return { head: Buffer.concat(seen), stream: Readable.from(replay(), { objectMode: false }) };
}

/** The whole file, up to the limit; past it the upload is read on (and dropped) so the client gets the answer. */
async function collect(body: Readable, maxBytes: number): Promise<Buffer> {
  const { bytes, size } = await readBody(body, maxBytes);
  if (size > maxBytes) throw tooLarge('The file', maxBytes);
  return bytes;
}

/**
 * Reads an upload as CSV or as an Excel workbook. The file's first bytes decide, not the
 * Content-Type: browsers label a .csv `application/vnd.ms-excel` where Excel is installed, and
 * a renamed file would mislead either way. An upload said to be xlsx that is not a zip is refused.
 */
export async function readUpload(body: Readable, contentType: string, limits: UploadLimits): Promise<CsvUpload> {
  const { head, stream } = await peek(body, MAGIC_BYTES);
  const kind = spreadsheetKind(head);
  if (kind === 'zip') return readXlsxUpload(await collect(stream, limits.maxBytes), limits);
  if (kind === 'ole') throw refuseOle(await collect(stream, limits.maxBytes));
  if (head.length > 0 && contentType.split(';', 1)[0]?.trim().toLowerCase() === XLSX_CONTENT_TYPE) {
    await collect(stream, limits.maxBytes);
    throw badFile('The file is not an Excel workbook (.xlsx): save it from Excel as "Excel Workbook" or as CSV UTF-8', null);
  }
  return readCsvUpload(stream, limits);
}

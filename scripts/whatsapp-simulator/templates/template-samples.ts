import { GraphError } from '../graph/errors.js';
import type { SimContext } from '../state/context.js';
import { SAMPLE_TYPES_BY_FORMAT } from '../state/uploads.js';
import type { TemplateComponent } from './template-rules.js';

/**
 * A media header's sample (§3.1 `header_handle`) is a handle the Resumable Upload API gave the
 * same token, of a file the header's format takes: Meta reviews the template with that file.
 */
export function checkHeaderSample(ctx: SimContext, components: TemplateComponent[], accessToken: string): void {
  const header = components.find((component) => component.type === 'HEADER');
  const format = header?.format ?? 'TEXT';
  const accepted = SAMPLE_TYPES_BY_FORMAT[format];
  if (!header || !accepted) return;
  const handles: unknown = header.example?.header_handle;
  const handle: unknown = Array.isArray(handles) ? handles[0] : undefined;
  if (typeof handle !== 'string' || handle.length === 0) {
    throw new GraphError(100, `HEADER: example.header_handle is required for a ${format} header: upload a sample with the Resumable Upload API.`);
  }
  const sample = ctx.uploads.sample(handle);
  if (!sample || sample.accessToken !== accessToken) {
    throw new GraphError(100, `HEADER: example.header_handle "${handle.slice(0, 60)}" is not a handle from the Resumable Upload API.`);
  }
  if (!accepted.includes(sample.fileType)) {
    throw new GraphError(100, `HEADER: a ${format} header takes ${accepted.join(' or ')}; the sample is ${sample.fileType}.`);
  }
}

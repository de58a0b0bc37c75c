import type { DomainMount, Platform } from '../../platform/domain.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { mediaRoutes } from './media.routes.js';
import { MediaService } from './media.service.js';
import type { MediaPorts } from './ports.js';

export { MediaService, MEDIA_ID_TTL_MS, type MediaUsers, type SendableMedia } from './media.service.js';
export type { MediaPorts } from './ports.js';

/** Uploads older than this without their record were cut off by a crash; the sweep deletes their chunks. */
const INTERRUPTED_UPLOAD_MS = 3600_000;

/** The media domain: files uploaded for template samples and campaign headers. */
export interface MediaDomain extends DomainMount {
  media: MediaService;
  routes: RouteSpec[];
  sweepTenant(tenantId: string): Promise<void>;
}

export function createMediaDomain(platform: Pick<Platform, 'db' | 'graph'>, ports: MediaPorts): MediaDomain {
  const media = new MediaService(platform.db, ports.channels, platform.graph);
  return {
    media,
    routes: mediaRoutes(media),
    async sweepTenant(tenantId) {
      await media.sweep(tenantId, INTERRUPTED_UPLOAD_MS);
    },
  };
}

export { MediaService, MEDIA_ID_TTL_MS, type SendableMedia } from './media.service.js';
export { mediaRoutes } from './media.routes.js';

import type { MediaFormat, MediaPurpose, MediaView } from '@parley/common';
import { http } from '../../app/http';

export const mediaApi = {
  /** The file itself as the body, its type as Content-Type; `onProgress` gets the share sent. */
  upload: (file: File, type: string, purpose: MediaPurpose, onProgress: (share: number) => void) =>
    http.uploadWithProgress<MediaView>('/api/media', file, type, { purpose, fileName: file.name }, onProgress),
  get: (id: string) => http.get<MediaView>(`/api/media/${id}`),
  /** The tenant's files of a purpose that a header format takes, newest first. */
  list: (purpose: MediaPurpose, format: MediaFormat) => http.get<MediaView[]>('/api/media', { purpose, format }),
  remove: (id: string) => http.delete(`/api/media/${id}`),
};

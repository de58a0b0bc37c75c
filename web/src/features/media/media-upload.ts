import { reactive } from 'vue';
import { formatFileSize, isMediaMimeType, MEDIA_LIMITS, mediaFileIssue, type MediaPurpose, type MediaView } from '@parley/common';
import { describeError } from '../../app/errors';
import { isApiError } from '../../app/http';
import { mediaApi } from './media.api';

/** The type to send: the browser's, or the one the file's extension names when it has none. */
function typeOf(file: File): string {
  if (file.type) return file.type === 'image/jpg' ? 'image/jpeg' : file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', mp4: 'video/mp4', pdf: 'application/pdf' }[extension] ?? '';
}

/** What went wrong, in words a person can act on. */
export function explain(error: unknown): string {
  if (isApiError(error, 'PAYLOAD_TOO_LARGE') || isApiError(error, 'UNSUPPORTED_MEDIA_TYPE') || isApiError(error, 'VALIDATION_FAILED')) {
    return `This file ${error.fields[0]?.message ?? 'cannot be used'}.`;
  }
  // WhatsApp's refusal (or silence) and a missing number are told by the server in words.
  if (isApiError(error, 'BAD_GATEWAY') || isApiError(error, 'CONFLICT')) return error.message;
  return describeError(error);
}

/**
 * One file being uploaded: checked in the browser first (type and WhatsApp's size for it), then
 * sent with its progress. Each picker has its own; only the latest choice lands.
 */
export function useMediaUpload(purpose: MediaPurpose) {
  const state = reactive({ uploading: false, share: 0, fileName: null as string | null, error: null as string | null });
  let ticket = 0;

  async function upload(file: File): Promise<MediaView | null> {
    const mine = ++ticket;
    const type = typeOf(file);
    state.fileName = file.name;
    state.error = null;
    const issue = mediaFileIssue(type, file.size);
    if (issue) {
      state.error = `${file.name} ${issue}.`;
      return null;
    }
    state.uploading = true;
    state.share = 0;
    try {
      const media = await mediaApi.upload(file, type, purpose, (share) => {
        if (mine === ticket) state.share = share;
      });
      return mine === ticket ? media : null;
    } catch (error) {
      if (mine === ticket) state.error = explain(error);
      return null;
    } finally {
      if (mine === ticket) state.uploading = false;
    }
  }

  return { state, upload };
}

/** What the picker says it takes, e.g. "JPEG or PNG, up to 5 MB". */
export function acceptedWords(types: readonly string[]): string {
  const names = types.map((type) => ({ 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'video/mp4': 'MP4', 'application/pdf': 'PDF' })[type] ?? type);
  const limit = Math.max(...types.map((type) => (isMediaMimeType(type) ? MEDIA_LIMITS[type] : 0)));
  return `${names.join(' or ')}, up to ${formatFileSize(limit)}`;
}

import type { ServerToClientEvents } from '@parley/common';
import { useTemplateLibraryStore } from './templates.store';

export const templatesSocket = {
  templateUpdated: ((template) => useTemplateLibraryStore().received(template)) satisfies ServerToClientEvents['template:updated'],
  templateDeleted: ((change) => useTemplateLibraryStore().removed(change.id)) satisfies ServerToClientEvents['template:deleted'],
  refetch: () => useTemplateLibraryStore().refetch(),
};

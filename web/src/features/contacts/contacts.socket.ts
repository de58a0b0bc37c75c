import type { ServerToClientEvents } from '@parley/common';
import { useContactImportStore } from './contact-import.store';
import { useContactsStore } from './contacts.store';

export const contactsSocket = {
  importProgress: ((progress) => useContactImportStore().progressed(progress)) satisfies ServerToClientEvents['contacts:import-progress'],
  importFinished: (async (view) => {
    await useContactImportStore().finished(view);
    await useContactsStore().refetch();
  }) satisfies ServerToClientEvents['contacts:import-finished'],

  refetch: async () => {
    await Promise.all([useContactsStore().refetch(), useContactImportStore().refetch()]);
  },
};

import type { ContactImportView, ImportCounts } from '../schemas/contacts.schema.js';

/** Server-to-client events of the contacts domain, to the tenant's `Contact` readers room. */
export interface ContactEvents {
  /** A few times a second while an import runs; `counts` are exact for the rows processed so far. */
  'contacts:import-progress': (progress: { importId: string; processed: number; total?: number; counts: ImportCounts }) => void;
  'contacts:import-finished': (view: ContactImportView) => void;
}

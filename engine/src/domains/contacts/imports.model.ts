import { Schema, Types } from 'mongoose';
import type { ImportCounts, ImportMapping, ImportStatus } from '@parley/common';

export interface ContactImportDoc {
  _id: Types.ObjectId;
  fileName: string;
  status: ImportStatus;
  delimiter: string;
  bytes: number;
  headers: string[];
  /** The first rows, as the file has them. Stored as objects: FerretDB takes no nested arrays. */
  sample: { cells: string[] }[];
  rowCount: number;
  chunkCount: number;
  mapping: ImportMapping | null;
  listId: string | null;
  processed: number;
  counts: ImportCounts;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  /** When the engine running the import last said it was alive; a run that falls silent lost its engine. */
  progressAt: Date | null;
  finishedAt: Date | null;
}

export const contactImportSchema = new Schema<ContactImportDoc>(
  {
    fileName: { type: String, required: true },
    status: { type: String, required: true },
    delimiter: { type: String, required: true },
    bytes: { type: Number, required: true },
    headers: { type: [String], default: [] },
    sample: { type: [{ _id: false, cells: [String] }], default: [] },
    rowCount: { type: Number, required: true },
    chunkCount: { type: Number, required: true },
    mapping: { type: Schema.Types.Mixed, default: null },
    listId: { type: String, default: null },
    processed: { type: Number, default: 0 },
    counts: { type: Schema.Types.Mixed, required: true },
    error: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    progressAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'contact_imports', versionKey: false, minimize: false },
);
contactImportSchema.index({ createdAt: -1 });

/** The uploaded file, in pieces well under the 16 MB document limit, until the run ends. */
export interface ImportChunkDoc {
  _id: string;
  importId: string;
  n: number;
  text: string;
}

export const importChunkSchema = new Schema<ImportChunkDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    n: { type: Number, required: true },
    text: { type: String, required: true },
  },
  { collection: 'contact_import_chunks', versionKey: false },
);
importChunkSchema.index({ importId: 1, n: 1 });

/**
 * The claim that starts a run: an insert with the import's id as key, so two clicks (or two
 * engine processes) cannot run the same file twice. FerretDB updates are not atomic (DESIGN §4).
 */
export interface ImportRunClaimDoc {
  _id: string;
  at: Date;
}

export const importRunClaimSchema = new Schema<ImportRunClaimDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'contact_import_runs', versionKey: false },
);

/**
 * How a run ended, decided once: the run itself and the sweep that finds it stalled both insert
 * with the import's id as key, and the loser adopts the winner's outcome. The import document
 * only shows it, since FerretDB updates are not atomic (DESIGN §4).
 */
export interface ImportEndDoc {
  _id: string;
  status: 'completed' | 'failed';
  processed: number;
  counts: ImportCounts;
  error: string | null;
  finishedAt: Date;
}

export const importEndSchema = new Schema<ImportEndDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    processed: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    error: { type: String, default: null },
    finishedAt: { type: Date, required: true },
  },
  { collection: 'contact_import_ends', versionKey: false, minimize: false },
);

export interface ImportRejectionDoc {
  _id: string;
  importId: string;
  row: number;
  value: string;
  reason: string;
}

export const importRejectionSchema = new Schema<ImportRejectionDoc>(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    row: { type: Number, required: true },
    value: { type: String, required: true },
    reason: { type: String, required: true },
  },
  { collection: 'contact_import_rejections', versionKey: false },
);
importRejectionSchema.index({ importId: 1, row: 1 });

import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { ROOMS, type ContactImportView, type ImportCounts, type ImportReport, type ImportRunBody } from '@parley/common';
import { AppError } from '../../platform/errors/app-error.js';
import { toSafeCsv } from '../../platform/csv/csv-safe.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import type { Logger } from '../../platform/logger/logger.js';
import { customerIdOf, phoneIdentityKey } from '../customers/index.js';
import type { ContactImportDoc, ImportChunkDoc, ImportEndDoc } from './imports.model.js';
import type { ImportsRepository } from './imports.repository.js';
import type { ImportPeopleRepository } from './import-people.repository.js';
import type { CustomersPort, NotifyPort } from './ports.js';
import { startHeartbeat, type Heartbeat } from './import-heartbeat.js';
import { readCsvRows } from './csv-read.js';
import { readUpload } from './upload-read.js';
import { checkMapping, indexesOf, readRow, type RowRejection } from './import-row.js';
import { countOutcomes, ImportPlanner } from './import-plan.js';
import { PERSONS_PER_BATCH, writePlan, type PlannedBatch } from './import-writer.js';
import type { ContactListsService } from './lists.service.js';
import { toImportView } from './contacts.views.js';
import type { UploadLimits } from './upload-limits.js';

const CHUNK_CHARS = 1024 * 1024;
/** Progress events at most this often: a few a second is smooth for a bar and cheap for Redis. */
const PROGRESS_EVERY_MS = 250;
const NO_COUNTS: ImportCounts = { created: 0, updated: 0, merged: 0, rejected: 0, consentKept: 0 };
const STALLED = 'The import stopped because the server running it went down; upload the file again to finish it (people already imported are not duplicated)';

type ImportOutcome = Omit<ImportEndDoc, '_id' | 'finishedAt'>;

export interface ImportsDeps {
  repository: ImportsRepository;
  people: ImportPeopleRepository;
  customers: Pick<CustomersPort, 'announceConsentChanges'>;
  lists: ContactListsService;
  realtime: RealtimeEmitter;
  notifications: NotifyPort;
  logger: Logger;
  defaultCountry: (tenantId: string) => Promise<string>;
  /** A running import whose engine has not said it is alive for this long is marked failed. */
  stallMs: number;
  limits: UploadLimits;
}

/**
 * CSV imports in two steps. Upload: the file is read as it streams in, proved well-formed and
 * stored under a new import id; the answer shows its columns and first rows. Run: with the
 * columns mapped, the stored file is read again a batch of rows at a time: each row is
 * validated, the batch is planned against the people known and the rows before it, and written
 * while the next is planned, with live progress; the import is marked complete at the end. A
 * file that cannot be read never gets this far: it was refused at upload. A run beats while it lives;
 * the periodic sweep marks failed a run whose engine went down mid-way.
 */
export class ImportsService {
  private readonly repository: ImportsRepository;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ImportsDeps) {
    this.repository = deps.repository;
  }

  /** A CSV or an .xlsx (read into the same stored form, so the run does not know which it was). */
  async upload(tenantId: string, body: Readable, fileName: string, userId: string, contentType = ''): Promise<ContactImportView> {
    const csv = await readUpload(body, contentType, this.deps.limits);
    const _id = new Types.ObjectId();
    const pieces: ImportChunkDoc[] = [];
    for (let n = 0; n * CHUNK_CHARS < csv.text.length; n += 1) {
      pieces.push({ _id: `${_id}:${n}`, importId: String(_id), n, text: csv.text.slice(n * CHUNK_CHARS, (n + 1) * CHUNK_CHARS) });
    }
    await this.repository.saveChunks(tenantId, pieces);
    const doc: ContactImportDoc = {
      _id,
      fileName,
      status: 'uploaded',
      delimiter: csv.delimiter,
      bytes: csv.bytes,
      headers: csv.headers,
      sample: csv.sample.map((cells) => ({ cells })),
      rowCount: csv.rowCount,
      chunkCount: pieces.length,
      mapping: null,
      listId: null,
      processed: 0,
      counts: NO_COUNTS,
      error: null,
      createdBy: userId,
      createdAt: new Date(),
      startedAt: null,
      progressAt: null,
      finishedAt: null,
    };
    await this.repository.create(tenantId, doc);
    return toImportView(doc);
  }

  async list(tenantId: string): Promise<ContactImportView[]> {
    return (await this.repository.recent(tenantId, 20)).map(toImportView);
  }

  async get(tenantId: string, id: string): Promise<ContactImportDoc> {
    const doc = await this.repository.find(tenantId, id);
    if (!doc) throw AppError.notFound('Import');
    return doc;
  }

  async report(tenantId: string, id: string, limit: number): Promise<ImportReport> {
    const doc = await this.get(tenantId, id);
    const rejections = await this.repository.rejectionsOf(tenantId, id, limit);
    return { import: toImportView(doc), rejections: rejections.map(({ row, value, reason }) => ({ row, value, reason })) };
  }

  /** Every rejected row with its reason, as CSV a spreadsheet opens safely. */
  async reportCsv(tenantId: string, id: string): Promise<{ fileName: string; csv: string }> {
    const doc = await this.get(tenantId, id);
    const rejections = await this.repository.rejectionsOf(tenantId, id);
    const csv = toSafeCsv(['row', 'value', 'reason'], rejections.map((r) => [r.row, r.value, r.reason]));
    return { fileName: `${doc.fileName.replace(/\.(csv|xlsx)$/i, '').replace(/[^\w.-]+/g, '_')}-rejected.csv`, csv };
  }

  /** Starts the run and answers at once; progress and the end arrive over Socket.IO. */
  async run(tenantId: string, id: string, body: ImportRunBody, userId: string): Promise<ContactImportView> {
    const doc = await this.get(tenantId, id);
    checkMapping(doc.headers, body);
    if (doc.status !== 'uploaded') throw new AppError('CONFLICT', `This import is already ${doc.status}`);
    const listId = body.newListName ? (await this.deps.lists.create(tenantId, body.newListName, userId)).id : body.listId;
    if (listId) await this.deps.lists.get(tenantId, listId);
    if (!(await this.repository.claimRun(tenantId, id))) throw new AppError('CONFLICT', 'This import is already running');
    const startedAt = new Date();
    const update = { status: 'running' as const, mapping: body.mapping, listId, startedAt, progressAt: startedAt };
    await this.repository.update(tenantId, doc._id, update);
    const task = this.execute(tenantId, { ...doc, ...update }, body.addTags, userId).finally(() => this.running.delete(task));
    this.running.add(task);
    return toImportView({ ...doc, ...update });
  }

  /** Resolves when every run of this process has ended (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /**
   * Marks failed every running import whose engine has not beaten for the stall time: it went
   * down mid-run and nothing else would ever end the import.
   */
  async failStalled(tenantId: string, stallMs = this.deps.stallMs): Promise<number> {
    const silentSince = new Date(Date.now() - stallMs);
    const stalled = await this.repository.silentSince(tenantId, silentSince);
    for (const doc of stalled) {
      this.deps.logger.warn({ tenantId, importId: String(doc._id), processed: doc.processed, progressAt: doc.progressAt }, 'a contact import fell silent; marking it failed');
      await this.end(tenantId, doc, { status: 'failed', processed: doc.processed, counts: doc.counts, error: STALLED });
    }
    return stalled.length;
  }

  private async execute(tenantId: string, doc: ContactImportDoc, addTags: string[], userId: string): Promise<void> {
    const id = String(doc._id);
    const heartbeat = startHeartbeat(
      (progress) => this.beat(tenantId, doc, progress),
      Math.min(10_000, this.deps.stallMs / 4),
      this.deps.logger,
      { processed: 0, counts: doc.counts },
    );
    let outcome: ImportOutcome;
    try {
      const counts = await this.process(tenantId, doc, addTags, heartbeat);
      outcome = { status: 'completed', processed: doc.rowCount, counts, error: null };
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId, importId: id }, 'contact import failed');
      const message = error instanceof AppError ? error.message : 'The import stopped on a database error; import the file again to finish it';
      outcome = { status: 'failed', ...heartbeat.latest, error: message };
    } finally {
      await heartbeat.stop();
    }
    try {
      const end = await this.end(tenantId, doc, outcome);
      if (end.status === 'completed') await this.notifyCompleted(tenantId, doc, end.counts, userId);
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId, importId: id }, 'ending the import did not work');
    }
  }

  private async notifyCompleted(tenantId: string, doc: ContactImportDoc, counts: ImportCounts, userId: string): Promise<void> {
    const id = String(doc._id);
    await this.deps.notifications.notify(tenantId, {
      key: `contact-import:${id}:completed`,
      kind: 'contacts.import-completed',
      severity: counts.rejected > 0 ? 'warning' : 'success',
      title: `Import of ${doc.fileName} finished`,
      body: `${counts.created} created, ${counts.updated} updated, ${counts.merged} merged, ${counts.rejected} rejected`,
      link: `/contacts/imports/${id}`,
      to: { userIds: [userId] },
    });
  }

  private async process(tenantId: string, doc: ContactImportDoc, addTags: string[], heartbeat: Heartbeat): Promise<ImportCounts> {
    const id = String(doc._id);
    const mapping = doc.mapping;
    if (!mapping) throw new AppError('CONFLICT', 'The import has no column mapping');
    const pieces = await this.repository.chunksOf(tenantId, id);
    const cols = indexesOf(doc.headers, mapping);
    const country = await this.deps.defaultCountry(tenantId);
    const now = new Date();
    const planner = new ImportPlanner(await this.deps.people.knownPhones(tenantId), (phone) => customerIdOf(tenantId, phoneIdentityKey(phone)));
    const total = doc.rowCount;

    let lastEmit = 0;
    const progress = (done: number, force: boolean) => {
      if (!force && Date.now() - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = Date.now();
      this.deps.realtime.toRooms([ROOMS.readers(tenantId, 'Contact')], 'contacts:import-progress', { importId: id, processed: done, total, counts: countOutcomes(planner, done) });
    };
    progress(0, true);
    // The file is read, checked and planned a batch at a time while the batches before are written.
    const saveRejections = (rejections: RowRejection[]) => this.saveRejections(tenantId, id, rejections);
    async function* planned(): AsyncGenerator<PlannedBatch> {
      let index = 0;
      for await (const slice of readCsvRows(pieces.map((p) => p.text), doc.delimiter, PERSONS_PER_BATCH)) {
        const { persons, rejections } = planner.plan(slice.map((row) => readRow(row, index++, cols, country, now)));
        if (rejections.length > 0) await saveRejections(rejections);
        yield { persons, rowsDone: index };
      }
      if (index === 0) yield { persons: [], rowsDone: 0 };
    }
    const target = { importId: id, fileName: doc.fileName, people: this.deps.people.writesFor(tenantId), listIds: doc.listId ? [doc.listId] : [], addTags };
    await writePlan(target, planned(), () => planner.lateFolds(), (done, changes) => {
      this.deps.customers.announceConsentChanges(tenantId, changes);
      heartbeat.report({ processed: done, counts: countOutcomes(planner, done) });
      progress(done, false);
    });
    const rows = planner.outcomes.length;
    progress(rows, true);
    await this.repository.deleteChunks(tenantId, id);
    return countOutcomes(planner, rows);
  }

  private async saveRejections(tenantId: string, importId: string, rejections: RowRejection[]): Promise<void> {
    await this.repository.saveRejections(tenantId, importId, rejections.map((r) => ({ row: r.line, value: r.value.slice(0, 200), reason: r.reason })));
  }

  private async beat(tenantId: string, doc: ContactImportDoc, progress: { processed: number; counts: ImportCounts }): Promise<void> {
    await this.repository.beat(tenantId, doc._id, progress);
  }

  /**
   * Ends the run once: the first end stored wins, whether the run's own or the stall sweep's, and
   * the import document is brought to it even when a late write of the run had overwritten it.
   */
  private async end(tenantId: string, doc: ContactImportDoc, outcome: ImportOutcome): Promise<ImportEndDoc> {
    const id = String(doc._id);
    const end = await this.repository.recordEnd(tenantId, { _id: id, ...outcome, finishedAt: new Date() });
    const { status, processed, counts, error, finishedAt } = end;
    await this.repository.update(tenantId, doc._id, { status, processed, counts, error, finishedAt });
    this.deps.realtime.toRooms([ROOMS.readers(tenantId, 'Contact')], 'contacts:import-finished', toImportView({ ...doc, status, processed, counts, error, finishedAt }));
    return end;
  }
}

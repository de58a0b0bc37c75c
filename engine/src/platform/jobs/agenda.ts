import { createHash } from 'node:crypto';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import { ObjectId, type Collection } from 'mongodb';
import { isDuplicateKeyError } from '../errors/app-error.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger/logger.js';
import { tasks } from '../runtime/task-labels.js';

export type JobHandler<D> = (data: D, job: Job<D>) => Promise<void>;

export interface JobOptions<D> {
  concurrency?: number;
  /**
   * Runs with the same key never overlap in this process: a run that starts while another is under
   * way asks that one to run again at once when it ends, and returns.
   */
  exclusiveBy?: (data: D) => string;
}

/** The `_id` of the one job document of `name` and `key`, the same in every process. */
export function jobIdOf(name: string, key: Record<string, unknown>): ObjectId {
  const canonical = JSON.stringify([name, Object.entries(key).sort(([a], [b]) => a.localeCompare(b))]);
  return new ObjectId(createHash('sha256').update(canonical).digest('hex').slice(0, 24));
}

/**
 * Agenda on the platform database. Its locks are findOneAndUpdate calls, which FerretDB 1.x does
 * not make atomic (DESIGN §4): two processes may run the same job, so every job must be
 * idempotent and claim their own work with unique inserts. The scheduler starts polling when
 * the first job is armed: an engine with nothing scheduled leaves the database alone (FerretDB
 * cannot drop a database that is being polled).
 */
const LOCK_LIFETIME_MS = 30_000;

export class Jobs {
  private readonly agenda: Agenda;
  private readonly collection: Collection;
  private started: Promise<void> | null = null;
  /** Job documents this process has created or found, so that re-arming skips the insert. */
  private readonly created = new Set<string>();
  private closed = false;

  constructor(db: Database, logger: Logger, processEveryMs: number) {
    const mongo = db.platform.db;
    if (!mongo) throw new Error('the platform database is not connected');
    this.collection = mongo.collection('agenda_jobs');
    this.agenda = new Agenda({ backend: new MongoBackend({ mongo, collection: 'agenda_jobs' }), processEvery: processEveryMs, defaultLockLifetime: LOCK_LIFETIME_MS });
    this.agenda.on('error', (error: unknown) => logger.error({ err: error }, 'job scheduler error'));
  }

  define<D>(name: string, handler: JobHandler<D>, options: JobOptions<D> = {}): void {
    const active = new Map<string, { again: boolean }>();
    this.agenda.define<D>(
      name,
      async (job) => {
        const key = options.exclusiveBy?.(job.attrs.data);
        const underWay = key === undefined ? undefined : active.get(key);
        if (underWay) {
          underWay.again = true;
          return;
        }
        const run = { again: false };
        if (key !== undefined) active.set(key, run);
        // The run keeps its lock however slow the database is; a dead process's lock expires.
        const heartbeat = setInterval(() => void job.touch().catch(() => undefined), LOCK_LIFETIME_MS / 4);
        try {
          await tasks.run(`job ${name}`, () => handler(job.attrs.data, job));
        } finally {
          clearInterval(heartbeat);
          if (key !== undefined) active.delete(key);
        }
        if (run.again) job.schedule(new Date());
      },
      { concurrency: options.concurrency ?? 8 },
    );
  }

  /**
   * One pending run per `key`: arming again moves the run, never adds a second job. The job's
   * document is first created by a unique insert under an `_id` derived from `name` and `key`, so
   * that two processes arming at once share it (Agenda's own unique upsert is a find then an
   * insert on FerretDB, which can leave two documents and so two runs). With
   * `onlyIfIdle` (a sweep re-arming jobs a crash may have lost) a run that holds its lock now is
   * left alone, since saving the job clears the lock and starts a second run beside it; a lock left
   * by a dead process expires and the job runs again. An arm that asks for new work (a resume, a
   * launch) always saves: a second run beside one that is finishing is harmless, a lost arm is not.
   */
  async arm<D extends Record<string, unknown>>(name: string, data: D, key: Record<string, unknown>, at: Date, onlyIfIdle = false): Promise<void> {
    if (this.closed) return;
    await this.start();
    const unique = Object.fromEntries(Object.entries(key).map(([k, v]) => [`data.${k}`, v]));
    if (onlyIfIdle) {
      const locked = await this.collection.findOne({ name, ...unique, lockedAt: { $gt: new Date(Date.now() - LOCK_LIFETIME_MS) } }, { projection: { _id: 1 } });
      if (locked) return;
    }
    const id = jobIdOf(name, key);
    if (!this.created.has(id.toHexString())) {
      try {
        // No `nextRunAt` yet: nothing polls it before the save below has filled it in.
        await this.collection.insertOne({ _id: id, name, data, type: 'normal', priority: 0, nextRunAt: null, lockedAt: null });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      this.created.add(id.toHexString());
    }
    await this.agenda.create(name, data).unique(unique).schedule(at).save();
  }

  start(): Promise<void> {
    this.started ??= this.agenda.start();
    return this.started;
  }

  /** Stops for good: arming afterwards (a late sweep) does not start polling again. */
  async stop(): Promise<void> {
    this.closed = true;
    if (!this.started) return;
    await this.started;
    await this.agenda.stop(false);
    this.started = null;
  }
}

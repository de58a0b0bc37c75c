import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import type { Collection } from 'mongodb';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger/logger.js';

export type JobHandler<D> = (data: D, job: Job<D>) => Promise<void>;

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
  private closed = false;

  constructor(db: Database, logger: Logger, processEveryMs: number) {
    const mongo = db.platform.db;
    if (!mongo) throw new Error('the platform database is not connected');
    this.collection = mongo.collection('agenda_jobs');
    this.agenda = new Agenda({ backend: new MongoBackend({ mongo, collection: 'agenda_jobs' }), processEvery: processEveryMs, defaultLockLifetime: LOCK_LIFETIME_MS });
    this.agenda.on('error', (error: unknown) => logger.error({ err: error }, 'job scheduler error'));
  }

  define<D>(name: string, handler: JobHandler<D>, concurrency = 8): void {
    this.agenda.define<D>(
      name,
      async (job) => {
        // The run keeps its lock however slow the database is; a dead process's lock expires.
        const heartbeat = setInterval(() => void job.touch().catch(() => undefined), LOCK_LIFETIME_MS / 4);
        try {
          await handler(job.attrs.data, job);
        } finally {
          clearInterval(heartbeat);
        }
      },
      { concurrency },
    );
  }

  /**
   * One pending run per `key`: arming again moves the run, never adds a second job. With
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

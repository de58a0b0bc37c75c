import { createActor, type AnyStateMachine, type EventFromLogic, type SnapshotFrom } from 'xstate';
import type { Model } from 'mongoose';
import type { Database } from '../db/database.js';
import { updateGuarded } from '../db/guarded.js';
import { isDuplicateKeyError } from '../errors/app-error.js';
import type { Logger } from '../logger/logger.js';
import { actorEventSchema, actorStateSchema, type ActorEventDoc, type ActorStateDoc, type EffectRecord } from './actor.model.js';
import { LruCache } from './lru-cache.js';
import { KeyedMutex } from '../jobs/keyed-mutex.js';

/** An effect a transition asked for: emitted by the machine with XState's `emit`, run after commit. */
export interface Effect {
  type: string;
  [key: string]: unknown;
}

export type EffectHandler = (ctx: { tenantId: string; actorId: string; effectId: string; effect: Effect }) => Promise<void>;

export interface ActorKind<M extends AnyStateMachine> {
  kind: string;
  machine: M;
  /** Bumped whenever a persisted snapshot of an older machine could not be read by this one. */
  version: number;
  /** Migrations from older versions; a snapshot of a version with no path here is refused. */
  migrate?: Record<number, (snapshot: unknown) => unknown>;
  input?: (actorId: string) => unknown;
}

export interface SendResult<M extends AnyStateMachine> {
  rev: number;
  snapshot: SnapshotFrom<M>;
  duplicate: boolean;
  effects: EffectRecord[];
}

/** Revisions between two checkpoints of an actor's state document. */
const CHECKPOINT_EVERY = 8;

interface Loaded {
  rev: number;
  snapshot: unknown;
}

/**
 * The one actor host (DESIGN §5). Commits are unique inserts into the event log, which is correct
 * on FerretDB (no transactions, no atomic findOneAndUpdate) as on MongoDB. Effects run after the
 * commit with deterministic ids; the sweeper finishes those a crash left undone.
 */
export class ActorHost<M extends AnyStateMachine> {
  private readonly events: (tenantId: string) => Model<ActorEventDoc>;
  private readonly states: (tenantId: string) => Model<ActorStateDoc>;
  private readonly cache = new LruCache<string, Loaded>(5000);
  private readonly mutex = new KeyedMutex();
  private readonly handlers = new Map<string, EffectHandler>();

  constructor(
    private readonly db: Database,
    private readonly def: ActorKind<M>,
    private readonly logger: Logger,
  ) {
    this.events = db.defineTenantModel('ActorEvent', actorEventSchema);
    this.states = db.defineTenantModel('ActorState', actorStateSchema);
  }

  onEffect(type: string, handler: EffectHandler): void {
    this.handlers.set(type, handler);
  }

  /**
   * Applies an event once. `eventId` identifies the fact (a wamid, a request id): sending the same
   * fact again, from any process, returns `duplicate: true` and changes nothing.
   */
  send(tenantId: string, actorId: string, event: EventFromLogic<M>, eventId: string): Promise<SendResult<M>> {
    // Events for one actor are applied one after the other inside a process; across processes the
    // unique revision insert decides.
    return this.mutex.run(`${tenantId}/${actorId}`, () => this.sendNow(tenantId, actorId, event, eventId));
  }

  async snapshot(tenantId: string, actorId: string): Promise<{ rev: number; snapshot: SnapshotFrom<M> } | null> {
    const loaded = await this.load(tenantId, actorId, false);
    if (loaded.rev === 0) return null;
    return { rev: loaded.rev, snapshot: this.restore(actorId, loaded.snapshot).getSnapshot() as SnapshotFrom<M> };
  }

  private async sendNow(tenantId: string, actorId: string, event: EventFromLogic<M>, eventId: string): Promise<SendResult<M>> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const loaded = await this.load(tenantId, actorId, attempt > 0);
      const { snapshot, effects } = this.transition(actorId, loaded.snapshot, event);
      const rev = loaded.rev + 1;
      const records = effects.map((effect, n) => ({ id: `${actorId}:${rev}:${n}`, type: effect.type, payload: effect }));
      const committed = await this.commit(tenantId, actorId, rev, eventId, event, snapshot, records);
      if (committed === 'duplicate-event') {
        const latest = await this.load(tenantId, actorId, true);
        return { rev: latest.rev, snapshot: this.restore(actorId, latest.snapshot).getSnapshot() as SnapshotFrom<M>, duplicate: true, effects: [] };
      }
      if (committed === 'conflict') continue;
      this.cache.set(`${tenantId}/${actorId}`, { rev, snapshot });
      // Effects first (a customer waits for the reply). The state document is only a checkpoint of
      // the log: a load that finds it behind follows the log by primary key, so it is rewritten
      // every few revisions rather than on each one (on SQLite every write takes the one lock).
      try {
        await this.runEffects(tenantId, actorId, `${actorId}:${rev}`, records);
      } finally {
        if (rev % CHECKPOINT_EVERY === 1) await this.saveState(tenantId, actorId, rev, snapshot);
      }
      return { rev, snapshot: this.restore(actorId, snapshot).getSnapshot() as SnapshotFrom<M>, duplicate: false, effects: records };
    }
    throw new Error(`actor ${actorId}: too many concurrent writers`);
  }

  private transition(actorId: string, persisted: unknown, event: EventFromLogic<M>): { snapshot: unknown; effects: Effect[] } {
    const actor = this.restore(actorId, persisted);
    const effects: Effect[] = [];
    actor.on('*', (emitted: Effect) => effects.push(emitted));
    actor.start();
    actor.send(event);
    const snapshot = actor.getPersistedSnapshot();
    actor.stop();
    return { snapshot, effects };
  }

  private restore(actorId: string, persisted: unknown) {
    const options = persisted
      ? { snapshot: persisted as SnapshotFrom<M> }
      : { input: this.def.input?.(actorId) };
    return createActor(this.def.machine, options as never);
  }

  private async commit(
    tenantId: string,
    actorId: string,
    rev: number,
    eventId: string,
    event: unknown,
    snapshot: unknown,
    effects: EffectRecord[],
  ): Promise<'ok' | 'conflict' | 'duplicate-event'> {
    try {
      await this.events(tenantId).create({
        _id: `${actorId}:${rev}`,
        actorId,
        kind: this.def.kind,
        rev,
        eventKey: `${actorId}|${eventId}`,
        event,
        snapshot,
        machineVersion: this.def.version,
        effects,
        effectsDone: effects.length === 0,
        at: new Date(),
      });
      return 'ok';
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const applied = await this.events(tenantId).exists({ eventKey: `${actorId}|${eventId}` });
      return applied ? 'duplicate-event' : 'conflict';
    }
  }

  /** The current document is a cache of the log: idempotent, and the highest revision wins. */
  private async saveState(tenantId: string, actorId: string, rev: number, snapshot: unknown): Promise<void> {
    const doc = { kind: this.def.kind, rev, snapshot, machineVersion: this.def.version, updatedAt: new Date() };
    // Not written when the document is already at this revision or a later one: a later writer won.
    await updateGuarded(this.db, this.states(tenantId), actorId, { rev: { $lt: rev } }, { $set: doc }, { upsert: true });
  }

  private async load(tenantId: string, actorId: string, fresh: boolean): Promise<Loaded> {
    const key = `${tenantId}/${actorId}`;
    const cached = fresh ? undefined : this.cache.get(key);
    if (cached) return cached;
    const state = await this.states(tenantId).findById(actorId).lean();
    // The log may be ahead of the state document if a process died between the two writes:
    // follow the revisions by primary key (cheap on every backend) until the last one.
    let newer: ActorEventDoc | null = null;
    for (let rev = (state?.rev ?? 0) + 1; ; rev++) {
      const next = await this.events(tenantId).findById(`${actorId}:${rev}`).lean();
      if (!next) break;
      newer = next;
    }
    const source = newer ?? state;
    const loaded: Loaded = source ? { rev: source.rev, snapshot: this.upgrade(actorId, source.machineVersion, source.snapshot) } : { rev: 0, snapshot: null };
    this.cache.set(key, loaded);
    return loaded;
  }

  private upgrade(actorId: string, version: number, snapshot: unknown): unknown {
    let current = snapshot;
    for (let v = version; v < this.def.version; v++) {
      const step = this.def.migrate?.[v];
      if (!step) throw new Error(`actor ${actorId}: snapshot of ${this.def.kind} v${version} cannot be migrated to v${this.def.version}`);
      current = step(current);
    }
    if (version > this.def.version) throw new Error(`actor ${actorId}: snapshot v${version} is newer than this engine's v${this.def.version}`);
    return current;
  }

  private async runEffects(tenantId: string, actorId: string, eventDocId: string, effects: EffectRecord[]): Promise<void> {
    if (effects.length === 0) return;
    for (const record of effects) {
      const handler = this.handlers.get(record.type);
      if (!handler) {
        this.logger.error({ effect: record.type, actorId }, 'no handler for effect');
        continue;
      }
      await handler({ tenantId, actorId, effectId: record.id, effect: record.payload as Effect });
    }
    await this.events(tenantId).updateOne({ _id: eventDocId }, { $set: { effectsDone: true } });
  }

  /** Re-runs effects a crash left undone (older than `olderThanMs`); handlers are idempotent. */
  async sweep(tenantId: string, olderThanMs: number): Promise<number> {
    const stale = await this.events(tenantId)
      .find({ kind: this.def.kind, effectsDone: false, at: { $lt: new Date(Date.now() - olderThanMs) } })
      .sort({ at: 1 })
      .limit(100)
      .lean();
    for (const doc of stale) {
      try {
        await this.runEffects(tenantId, doc.actorId, doc._id, doc.effects);
      } catch (error) {
        this.logger.error({ err: error, actorId: doc.actorId, rev: doc.rev }, 'sweeping effects failed');
      }
    }
    return stale.length;
  }

  forget(tenantId: string, actorId: string): void {
    this.cache.delete(`${tenantId}/${actorId}`);
  }
}

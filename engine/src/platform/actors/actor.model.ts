import { Schema } from 'mongoose';

/** One committed transition of an actor: the event, the resulting snapshot and its effects. */
export interface ActorEventDoc {
  /** `<actorId>:<rev>`: a second writer of the same revision loses with duplicate key 11000. */
  _id: string;
  actorId: string;
  kind: string;
  rev: number;
  /** `<actorId>|<eventId>`, unique: the same event is never applied twice, whoever delivers it. */
  eventKey: string;
  event: unknown;
  snapshot: unknown;
  machineVersion: number;
  effects: EffectRecord[];
  effectsDone: boolean;
  at: Date;
}

export interface EffectRecord {
  /** `<actorId>:<rev>:<n>`: handlers use it as their idempotency key. */
  id: string;
  type: string;
  payload: unknown;
}

/** The latest snapshot of an actor, for fast loading; the event log stays the truth. */
export interface ActorStateDoc {
  _id: string;
  kind: string;
  rev: number;
  snapshot: unknown;
  machineVersion: number;
  updatedAt: Date;
}

export const actorEventSchema = new Schema<ActorEventDoc>(
  {
    _id: { type: String, required: true },
    actorId: { type: String, required: true },
    kind: { type: String, required: true },
    rev: { type: Number, required: true },
    eventKey: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    machineVersion: { type: Number, required: true },
    effects: { type: Schema.Types.Mixed, default: [] },
    effectsDone: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'actor_events', versionKey: false, minimize: false },
);
actorEventSchema.index({ eventKey: 1 }, { unique: true });
actorEventSchema.index({ actorId: 1, rev: -1 });
actorEventSchema.index({ effectsDone: 1, at: 1 });

export const actorStateSchema = new Schema<ActorStateDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    rev: { type: Number, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    machineVersion: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'actor_states', versionKey: false, minimize: false },
);
actorStateSchema.index({ kind: 1, updatedAt: -1 });

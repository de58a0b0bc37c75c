import type { z } from 'zod';
import { VirtualClock, type ClockOptions } from '../core/clock.js';
import { IdFactory } from '../core/ids.js';
import { Prng } from '../core/prng.js';
import { TemplateStore } from '../templates/templates.store.js';
import { WebhookEmitter, type Delivery } from '../webhooks/emitter.js';
import { StatusTimeline } from '../webhooks/status-timeline.js';
import { CappedLog } from './capped-log.js';
import { SimHooks } from './hooks.js';
import { MediaStore } from './media.js';
import { NumberRegistry } from './numbers.js';
import { UploadStore } from './uploads.js';
import type { InboundRecord, SendRecord } from './records.js';
import { chaosSchema, DEMO_NUMBER, settingsSchema, type Chaos, type NumberConfigInput, type Settings } from './settings.js';
import { UserDirectory } from './users.js';

export interface SimulatorOptions {
  /** Seed of every random choice (ids, delays, chaos, customers). */
  seed?: string;
  /** Business numbers; the demo number when omitted. */
  numbers?: NumberConfigInput[];
  /** Callback for numbers configured without their own `webhookUrl`. */
  webhookUrl?: string | null;
  settings?: z.input<typeof settingsSchema>;
  chaos?: z.input<typeof chaosSchema>;
  clock?: ClockOptions;
  /** Starts the simulated customers of the demo. */
  customers?: boolean;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

const STREAMS = ['ids', 'users', 'timeline', 'emitter', 'customers'] as const;
type Stream = (typeof STREAMS)[number];

/** Everything the simulator knows, shared by the Graph routes, the control API and the customers. */
export class SimContext {
  readonly clock: VirtualClock;
  readonly random: Record<Stream, Prng>;
  seed: string;
  settings: Settings;
  chaos: Chaos;
  readonly ids: IdFactory;
  readonly numbers: NumberRegistry;
  readonly users: UserDirectory;
  readonly templates: TemplateStore;
  readonly media: MediaStore;
  /** Resumable Upload sessions and the handles template examples quote. */
  readonly uploads: UploadStore;
  readonly sends: CappedLog<SendRecord>;
  readonly inbound: CappedLog<InboundRecord>;
  readonly deliveries: CappedLog<Delivery>;
  readonly hooks = new SimHooks();
  readonly emitter: WebhookEmitter;
  readonly timeline: StatusTimeline;
  /** Users reached outside a window, per portfolio, for the messaging limit (§7.2.6). */
  readonly reached = new Map<string, Map<string, number>>();
  /** Graph requests refused, by error code (130429 tells a sender that outran the throughput). */
  readonly refusals = new Map<number, number>();
  baseUrl = '';
  readonly log: (line: string) => void;

  constructor(private readonly options: SimulatorOptions) {
    this.log = options.log ?? (() => undefined);
    this.clock = new VirtualClock({ ...options.clock, onError: (error) => this.log(`timer failed: ${String(error)}`) });
    this.seed = options.seed ?? 'parley';
    this.random = this.makeStreams(this.seed);
    this.settings = settingsSchema.parse(options.settings ?? {});
    this.chaos = chaosSchema.parse(options.chaos ?? {});
    this.ids = new IdFactory(this.random.ids);
    this.numbers = new NumberRegistry(() => this.clock.now());
    this.users = new UserDirectory(this.random.users);
    this.templates = new TemplateStore(this.ids);
    this.media = new MediaStore(this.ids);
    this.uploads = new UploadStore(this.ids);
    this.sends = new CappedLog(this.settings.maxLogEntries);
    this.inbound = new CappedLog(this.settings.maxLogEntries);
    this.deliveries = new CappedLog(this.settings.maxLogEntries);
    this.emitter = new WebhookEmitter({
      clock: this.clock, prng: this.random.emitter, log: this.deliveries, settings: () => this.settings, chaos: () => this.chaos,
    });
    this.timeline = new StatusTimeline({
      clock: this.clock, prng: this.random.timeline, settings: () => this.settings, chaos: () => this.chaos,
      emitter: this.emitter, numbers: this.numbers, users: this.users, hooks: this.hooks,
    });
    this.configureInitialNumbers();
  }

  configureInitialNumbers(): void {
    this.numbers.clear();
    for (const number of this.options.numbers ?? [DEMO_NUMBER]) {
      this.numbers.upsert({ webhookUrl: this.options.webhookUrl ?? null, ...number });
    }
  }

  reseed(seed: string): void {
    this.seed = seed;
    for (const stream of STREAMS) this.random[stream].reseed(`${seed}/${stream}`);
  }

  updateSettings(patch: unknown): Settings {
    this.settings = settingsSchema.parse(deepMerge(this.settings, patch));
    for (const log of [this.sends, this.inbound, this.deliveries]) log.resize(this.settings.maxLogEntries);
    return this.settings;
  }

  updateChaos(patch: unknown): Chaos {
    this.chaos = chaosSchema.parse(deepMerge(this.chaos, patch));
    return this.chaos;
  }

  resetChaos(): Chaos {
    this.chaos = chaosSchema.parse(this.options.chaos ?? {});
    return this.chaos;
  }

  /** Forgets traffic, users, templates, media, uploads and timers; numbers stay unless asked otherwise. */
  reset(options: { numbers?: 'keep' | 'initial'; seed?: string } = {}): void {
    this.emitter.stop();
    this.clock.clearAll();
    this.reseed(options.seed ?? this.seed);
    this.settings = settingsSchema.parse(this.options.settings ?? {});
    this.chaos = chaosSchema.parse(this.options.chaos ?? {});
    if (options.numbers === 'initial') this.configureInitialNumbers();
    else this.numbers.resetRuntime();
    this.ids.clear();
    this.users.clear();
    this.templates.clear();
    this.media.clear();
    this.uploads.clear();
    this.sends.clear();
    this.inbound.clear();
    this.deliveries.clear();
    this.reached.clear();
    this.refusals.clear();
    this.hooks.emitReset();
  }

  private makeStreams(seed: string): Record<Stream, Prng> {
    return {
      ids: new Prng(`${seed}/ids`),
      users: new Prng(`${seed}/users`),
      timeline: new Prng(`${seed}/timeline`),
      emitter: new Prng(`${seed}/emitter`),
      customers: new Prng(`${seed}/customers`),
    };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges a partial update into settings; arrays and scalars replace, objects merge. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // chaos.recipients is a map whose entries replace wholesale, so per-recipient knobs can be unset.
    merged[key] = key === 'recipients' ? { ...(isPlainObject(base[key]) ? base[key] : {}), ...(isPlainObject(value) ? value : {}) } : deepMerge(base[key], value);
  }
  return merged;
}

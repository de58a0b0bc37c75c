import { createHash } from 'node:crypto';
import mongoose, { type Connection, type Model, type Schema } from 'mongoose';
import type { Logger } from '../logger/logger.js';
import { OutageLog } from '../runtime/outage-log.js';

/**
 * Where a tenant database records what was done to it once: the declarations it was last brought
 * up to (`_id: 'schema'`, see `upgradeTenant`) and the data changes of `onceForTenant`.
 */
const SCHEMA_MARKS = 'schema_marks';

interface SchemaMarkDoc {
  _id: string;
  fingerprint?: string;
  at: Date;
}

/**
 * One MongoDB client for the process; a platform database plus one database per tenant
 * (DESIGN §3). Every tenant database shares the client's connection pool through `useDb`.
 */
export class Database {
  readonly platform: Connection;
  private closing = false;
  private readonly platformSchemas = new Map<string, Schema>();
  private readonly tenantSchemas = new Map<string, Schema>();

  private constructor(
    private readonly root: Connection,
    readonly prefix: string,
    /**
     * Whether the server evaluates a write's filter atomically with the write and through its
     * indexes (MongoDB). FerretDB 1.x reads the whole collection and checks the filter in its
     * own code, except for a filter that is a bare `_id`, which it looks up directly.
     */
    readonly guardsOnServer: boolean,
  ) {
    this.platform = root.useDb(`${prefix}_platform`, { useCache: true });
  }

  static async connect(uri: string, prefix: string, poolSize = 20): Promise<Database> {
    // Indexes are created explicitly (platform at boot, tenants at provisioning), never lazily
    // by mongoose on first use, so a missing index is an error we see rather than a race.
    const root = mongoose.createConnection(uri, { autoIndex: false, autoCreate: false, serverSelectionTimeoutMS: 10_000, maxPoolSize: poolSize });
    await root.asPromise();
    const info = (await root.db?.admin().command({ buildInfo: 1 })) ?? {};
    return new Database(root, prefix, !('ferretdbVersion' in info));
  }

  /**
   * Logs the connection going away and coming back (once per outage, see `OutageLog`). The driver
   * reconnects by itself and mongoose holds operations meanwhile (up to its buffer timeout): a
   * request during an outage fails with an error the HTTP layer answers 503 (`isOutageError`),
   * and readiness says 503. The listener for `error` also keeps a connection error from being
   * thrown as an unhandled event.
   */
  watchConnection(logger: Logger): void {
    const outage = new OutageLog(logger, 'database');
    this.root.on('error', (error: unknown) => outage.failed(error));
    // A close of our own (shutdown, the seed finishing) is not an outage.
    this.root.on('disconnected', () => {
      if (!this.closing) outage.failed(new Error('disconnected'));
    });
    this.root.on('reconnected', () => outage.recovered());
    this.root.on('connected', () => outage.recovered());
  }

  tenantDbName(tenantId: string): string {
    return `${this.prefix}_t_${tenantId}`;
  }

  /**
   * Drops every tenant database the platform names, then the platform database (tests and
   * benchmarks clean up with it). It never lists databases: FerretDB's listDatabases waits on
   * every database file of the server, and stalls while other processes write to theirs.
   */
  async dropAll(): Promise<void> {
    const tenants = await this.platform.collection<{ _id: unknown }>('tenants').find({}, { projection: { _id: 1 } }).toArray();
    for (const tenant of tenants) await this.tenant(String(tenant._id)).dropDatabase();
    await this.platform.dropDatabase();
  }

  tenant(tenantId: string): Connection {
    return this.root.useDb(this.tenantDbName(tenantId), { useCache: true });
  }

  /** Declares a model living in the platform database. */
  definePlatformModel<T>(name: string, schema: Schema<T>): Model<T> {
    this.platformSchemas.set(name, schema as Schema);
    return (this.platform.models[name] as Model<T> | undefined) ?? this.platform.model<T>(name, schema);
  }

  /** Declares a model that exists in every tenant database; provisioning creates its indexes. */
  defineTenantModel<T>(name: string, schema: Schema<T>): (tenantId: string) => Model<T> {
    this.tenantSchemas.set(name, schema as Schema);
    return (tenantId) => {
      const connection = this.tenant(tenantId);
      return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
    };
  }

  async ensurePlatformIndexes(): Promise<void> {
    for (const [name, schema] of this.platformSchemas) {
      await this.createCollection(this.platform.models[name] ?? this.platform.model(name, schema));
    }
  }

  /** Creates a tenant's database, its collections and indexes. Safe to run again. */
  async provisionTenant(tenantId: string): Promise<void> {
    await this.upgradeTenant(tenantId);
  }

  /**
   * Creates what this version declares and a tenant's database lacks: collections and indexes
   * added since it was provisioned (an upgrade), and an index that became unique is made again.
   * The database keeps a fingerprint of the declarations it was last brought up to
   * (`schema_marks`), so that at each start a tenant that is up to date costs one read, not a
   * listing of every collection's indexes. Returns how many collections and indexes it created.
   */
  async upgradeTenant(tenantId: string): Promise<number> {
    const connection = this.tenant(tenantId);
    const models = [...this.tenantSchemas].map(([name, schema]) => connection.models[name] ?? connection.model(name, schema));
    const fingerprint = this.schemaFingerprint(models);
    const marks = connection.collection<SchemaMarkDoc>(SCHEMA_MARKS);
    if ((await marks.findOne({ _id: 'schema' }))?.fingerprint === fingerprint) return 0;
    const collections = (await connection.db?.listCollections({}, { nameOnly: true }).toArray()) ?? [];
    const existing = new Set(collections.map((c) => c.name));
    let created = 0;
    for (const model of models) {
      if (!existing.has(model.collection.collectionName)) {
        await this.createCollection(model);
        created += 1;
        continue;
      }
      const have = new Map((await model.collection.listIndexes().toArray()).map((index) => [JSON.stringify(index.key), index]));
      for (const [fields, options] of this.indexesKept(model)) {
        const index = have.get(JSON.stringify(fields));
        // Uniqueness is only ever added: an older version starting during a rolling upgrade must
        // not take back what a newer one made unique.
        if (index && (Boolean(index.unique) || !options.unique)) continue;
        // Another process starting at the same moment may have dropped it first.
        if (index) await model.collection.dropIndex(String(index.name)).catch(ignoreCode(27));
        await model.collection.createIndex(fields, options);
        created += 1;
      }
    }
    await marks.replaceOne({ _id: 'schema' }, { fingerprint, at: new Date() }, { upsert: true });
    return created;
  }

  /**
   * Runs a change of a tenant's data that is needed once (stored documents brought to a newer
   * shape), unless the tenant's database is marked as having had it. `change` must be safe to run
   * twice: two processes may both run it before either has marked it.
   */
  async onceForTenant(tenantId: string, name: string, change: () => Promise<unknown>): Promise<boolean> {
    const marks = this.tenant(tenantId).collection<SchemaMarkDoc>(SCHEMA_MARKS);
    const _id = `once:${name}`;
    if (await marks.findOne({ _id })) return false;
    await change();
    await marks.replaceOne({ _id }, { at: new Date() }, { upsert: true });
    return true;
  }

  /** What a tenant database is declared to hold on this server: its collections and the indexes `indexesKept` gives them. */
  private schemaFingerprint(models: Pick<Model<unknown>, 'collection' | 'schema'>[]): string {
    const declared = models.map((model) => [model.collection.collectionName, this.indexesKept(model).map(([fields, options]) => [fields, Boolean(options.unique)])]);
    return createHash('sha256')
      .update(JSON.stringify(declared.sort(([a], [b]) => String(a).localeCompare(String(b)))))
      .digest('hex');
  }

  /**
   * The indexes of a schema this server gets. FerretDB 1.x answers every query but an `_id`
   * lookup by reading the whole collection, indexes or not, while each index costs SQLite a JSON
   * extraction on every insert and update of the document: there only the unique indexes, for
   * the duplicates they refuse.
   */
  private indexesKept(model: Pick<Model<unknown>, 'schema'>): [Record<string, 1 | -1>, Record<string, unknown>][] {
    return model.schema
      .indexes()
      .filter(([, options]) => this.guardsOnServer || options.unique)
      .map(([fields, options]) => [fields as Record<string, 1 | -1>, options as Record<string, unknown>]);
  }

  /** Creates a collection with the indexes of its schema this server gets (`indexesKept`). */
  private async createCollection(model: Pick<Model<unknown>, 'createCollection' | 'collection' | 'schema'>): Promise<void> {
    await model.createCollection().catch(ignoreAlreadyExists);
    for (const [fields, options] of this.indexesKept(model)) await model.collection.createIndex(fields, options);
  }

  async dropTenant(tenantId: string): Promise<void> {
    await this.tenant(tenantId).dropDatabase();
  }

  async ping(): Promise<void> {
    const db = this.platform.db;
    if (!db) throw new Error('database is not connected');
    await db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.root.close();
  }
}

/** A catch handler that lets an error with this server code pass: the state it reports is the one wanted. */
function ignoreCode(code: number): (error: unknown) => void {
  return (error) => {
    if (typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === code) return;
    throw error;
  };
}

/** 48 NamespaceExists: the collection is already there, which is what we wanted. */
const ignoreAlreadyExists = ignoreCode(48);

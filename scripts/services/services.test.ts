// Proves, against the servers `npm test` provides (FerretDB locally, MongoDB and Redis in
// production-like runs), the database and Redis features the engine relies on (DESIGN §4).
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type Job } from 'agenda';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient, MongoServerError } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { ensureServices, type ServiceUrls } from './services.js';

const suffix = randomBytes(4).toString('hex');
const databaseName = (role: string) => `parley_svc_test_${role}_${suffix}`;

describe('local services', () => {
  let urls: ServiceUrls;

  before(async () => {
    // Inside `npm test` this returns MONGODB_URI/REDIS_URL; run alone it starts the test profile.
    urls = await ensureServices({ profile: 'test' });
  });

  describe('MongoDB-compatible database', () => {
    let connection: Connection;
    const created: string[] = [];

    before(async () => {
      connection = await mongoose.createConnection(urls.mongodbUri, { dbName: databaseName('main') }).asPromise();
      created.push(databaseName('main'));
    });

    after(async () => {
      for (const name of created) await connection.useDb(name).dropDatabase();
      await connection.close();
    });

    it('stores a document through a mongoose model', async () => {
      const Note = connection.model('Note', new Schema({ text: { type: String, required: true } }));
      const saved = await Note.create({ text: 'hello' });

      const found = await Note.findById(saved._id).lean();
      expect(found?.text).to.equal('hello');
    });

    it('rejects a duplicate of a unique index with error 11000, the claim primitive', async () => {
      const Claim = connection.model('Claim', new Schema({ key: { type: String, required: true, unique: true } }));
      await Claim.init();
      await Claim.create({ key: 'send:1' });

      const error: unknown = await Claim.create({ key: 'send:1' }).then(() => undefined, (failure: unknown) => failure);
      expect(error).to.be.instanceOf(MongoServerError);
      expect((error as MongoServerError).code).to.equal(11000);
      expect(await Claim.countDocuments({ key: 'send:1' })).to.equal(1);
    });

    it('opens a per-tenant database with useDb and keeps its data apart', async () => {
      const tenantDb = databaseName('tenant');
      created.push(tenantDb);
      const tenant = connection.useDb(tenantDb, { useCache: true });
      expect(connection.useDb(tenantDb, { useCache: true })).to.equal(tenant);

      const Customer = tenant.model('Customer', new Schema({ phone: String }));
      await Customer.create({ phone: '+15550100' });

      expect(await tenant.db?.collection('customers').countDocuments()).to.equal(1);
      expect(await connection.db?.collection('customers').countDocuments()).to.equal(0);
    });
  });

  describe('Agenda 6 with the Mongo backend', () => {
    let client: MongoClient;
    let agenda: Agenda;

    before(async () => {
      client = await new MongoClient(urls.mongodbUri).connect();
      agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db(databaseName('agenda')) }), processEvery: 100 });
    });

    after(async () => {
      await agenda.stop();
      await client.db(databaseName('agenda')).dropDatabase();
      await client.close();
    });

    it('runs a job scheduled with now()', async () => {
      const ran = new Promise<{ order: string }>((resolve) => {
        agenda.define('services-test-job', async (job: Job<{ order: string }>) => resolve(job.attrs.data));
      });
      await agenda.start();
      await agenda.now('services-test-job', { order: 'A-1' });

      expect(await ran).to.deep.equal({ order: 'A-1' });
    });
  });

  describe('Redis', () => {
    let redis: Redis;
    const key = `parley:svc-test:${suffix}`;

    before(() => {
      redis = new Redis(urls.redisUrl);
    });

    after(async () => {
      await redis.del(key);
      redis.disconnect();
    });

    it('answers PING', async () => {
      expect(await redis.ping()).to.equal('PONG');
    });

    it('runs a Lua script with EVAL', async () => {
      // The shape of a rate limit: take a token only while the count stays under the limit.
      const take = "local n = redis.call('INCR', KEYS[1]) if n > tonumber(ARGV[1]) then return 0 end return n";
      const results = [];
      for (let i = 0; i < 3; i += 1) results.push(await redis.eval(take, 1, key, 2));

      expect(results).to.deep.equal([1, 2, 0]);
    });
  });
});

/** The test helpers that start real Postgres and Redis servers: they answer, isolate and stop. */
import assert from 'node:assert/strict';
import pg from 'pg';
import { createClient } from 'redis';
import { portInUse } from './ports.js';
import { postgresDatabase, postgresInstalled, requireServer, startPostgresServer } from './postgres.js';
import { redisInstalled, startRedis } from './redis.js';

describe('test helpers: Postgres', function () {
  before(function () {
    requireServer(this, 'postgresql', postgresInstalled());
  });

  it('starts a server that answers queries, and stop() frees its port', async () => {
    const server = await startPostgresServer();
    try {
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      assert.match(r.rows[0]!.v, /^\d+$/);
      await client.end();
      assert.equal(await portInUse(server.port), true);
    } finally {
      await server.stop();
    }
    assert.equal(await portInUse(server.port), false);
  });

  it('gives each caller its own database on the shared server', async () => {
    const a = await postgresDatabase();
    const b = await postgresDatabase();
    assert.notEqual(a.url, b.url);
    const ca = new pg.Client({ connectionString: a.url });
    const cb = new pg.Client({ connectionString: b.url });
    await ca.connect();
    await cb.connect();
    await ca.query('CREATE TABLE only_here (n int)');
    const seen = await cb.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'");
    assert.equal(seen.rows[0].n, 0);
    await ca.end();
    await cb.end();
    await a.stop();
    await b.stop();
    const again = new pg.Client({ connectionString: a.url });
    await assert.rejects(again.connect(), /does not exist/);
  });
});

describe('test helpers: Redis', function () {
  before(function () {
    requireServer(this, 'redis-server', redisInstalled());
  });

  it('starts a server that answers commands, and stop() frees its port', async () => {
    const server = await startRedis();
    const client = createClient({ url: server.url });
    await client.connect();
    await client.set('k', 'v');
    assert.equal(await client.get('k'), 'v');
    client.destroy();
    assert.equal(await portInUse(server.port), true);
    await server.stop();
    assert.equal(await portInUse(server.port), false);
  });

  it('starts separate servers that share no keys', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    const ca = createClient({ url: a.url });
    const cb = createClient({ url: b.url });
    await Promise.all([ca.connect(), cb.connect()]);
    await ca.set('k', 'a');
    assert.equal(await cb.get('k'), null);
    ca.destroy();
    cb.destroy();
    await Promise.all([a.stop(), b.stop()]);
  });
});

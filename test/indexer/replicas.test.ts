/**
 * API replicas on Postgres: one writer indexes the devnet into a database; two
 * `npm run indexer -- --api-only` processes serve it. A gift shows in both replicas' queries and
 * once on a replica's subscription; the replicas ask the node nothing and cannot write; a replica
 * whose LISTEN connection drops catches up without missing or doubling a gift; and a reorg reaches
 * a replica's subscribers as it reaches those of the single-process API (SQLite, in process).
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { postgresApiDb } from '../../indexer/api/apiDb.js';
import { listenApi, type Listening } from '../../indexer/api/listen.js';
import { createIndexerApi, type IndexerApi } from '../../indexer/api/server.js';
import { LISTEN_APPLICATION } from '../../indexer/db/notify.js';
import type { Indexer } from '../../indexer/index.js';
import { PROJECT_ROOT } from '../../lib/config.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, tre, waitFor, type Devnet } from '../helpers/devnet.js';
import {
  deployLagging,
  headNumber,
  indexerEnv,
  indexerFor,
  type SseSubscription,
  subscribeSse,
  tempDir,
  writeDeployments,
} from '../helpers/indexer.js';
import { type PostgresDatabase, postgresDatabase, postgresInstalled, requireServer } from '../helpers/postgres.js';
import { type Actors, gift, GIFT, prepareActors, SUN, tx } from '../helpers/traffic.js';

interface Replica {
  /** http://host:port of its API. */
  url: string;
  log: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `npm run indexer -- --api-only`; `url` resolves once it serves. */
function spawnReplica(env: NodeJS.ProcessEnv): { log: string[]; served: Promise<Replica> } {
  const log: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'indexer/cli.ts', '--api-only'], {
    cwd: PROJECT_ROOT,
    env: { ...env, INDEXER_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const served = new Promise<Replica>((resolve, reject) => {
    let buf = '';
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      let cut: number;
      while ((cut = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, cut);
        buf = buf.slice(cut + 1);
        log.push(line);
        const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(line);
        if (m)
          resolve({
            url: m[1]!,
            log,
            child,
            async stop() {
              if (child.exitCode === null) child.kill('SIGTERM');
              await exited;
            },
          });
      }
    });
    child.once('exit', (code) => reject(new Error(`the replica exited (${code}): ${log.join('\n')}`)));
  });
  served.catch(() => undefined);
  return { log, served };
}

async function graphql(url: string, query: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

const giftTxIds = async (url: string, broadcaster: string): Promise<string[]> =>
  (
    await graphql(url, `{ gifts(filter: { broadcaster: "${broadcaster}" }, first: 100) { nodes { txId } } }`)
  ).gifts.nodes.map((n: { txId: string }) => n.txId);

/** The payloads of `sub` about `txId`. */
const about = (sub: SseSubscription, txId: string): Record<string, any>[] =>
  sub.received().filter((p) => p.data?.giftSent?.txId === txId);

describe('indexer API replicas on Postgres (--api-only)', function () {
  this.timeout(300_000);
  const LAG = 6;
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let db: PostgresDatabase;
  let admin: pg.Client;
  let writer: Indexer;
  let replicas: Replica[] = [];
  let firstLog: string[] = [];
  let node: Server;
  let nodeRequests = 0;

  before(async function () {
    requireServer(this, 'postgresql', postgresInstalled());
    devnet = await startDevnet({ solidityLag: LAG });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    for (const v of ['bob', 'carol', 'dave'] as const) await tx(devnet, v, sys.vault, 'depositTRX()', [], 100n * SUN);
    await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
    tmp = tempDir('api-replicas-');
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    db = await postgresDatabase();
    admin = new pg.Client({ connectionString: db.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    // The node the replicas are told about: any request it gets is a replica syncing.
    node = createServer((_req, res) => {
      nodeRequests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    const env = indexerEnv(deployments, path.join(tmp.dir, 'unused.sqlite'), {
      DATABASE_URL: db.url,
      INDEXER_NODE_URL: `http://127.0.0.1:${(node.address() as AddressInfo).port}`,
    });
    // Both replicas start before the writer: they wait for its schema, saying so.
    const spawned = [spawnReplica(env), spawnReplica(env)];
    firstLog = spawned[0]!.log;
    await waitFor(
      () => (firstLog.some((l) => /holds no index schema yet/.test(l)) ? true : undefined),
      60_000,
      'the wait',
    );
    writer = indexerFor(deployments, path.join(tmp.dir, 'unused.sqlite'), { config: { databaseUrl: db.url } });
    await writer.sync();
    replicas = await Promise.all(spawned.map((s) => s.served));
  });

  after(async function () {
    for (const r of replicas) await r.stop();
    await writer?.close();
    if (admin) {
      await admin.query(`ALTER DATABASE "${db.url.split('/').pop()}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
    await db?.stop();
    await new Promise((r) => node?.close(r));
    await devnet?.close();
    tmp?.cleanup();
  });

  /** A gift from `from` to alice, indexed by the writer. */
  async function indexedGift(from: 'bob' | 'carol' | 'dave', stream: bigint): Promise<string> {
    const g = await gift(devnet, sys, a, from, 'alice', GIFT.ROSE, 1n, stream, false);
    await writer.sync();
    return g.txid;
  }

  /** A subscription to alice's gifts on `url`, live once a probe gift arrived on it. */
  async function giftsOn(url: string): Promise<SseSubscription> {
    const sub = await subscribeSse(
      `${url}/graphql`,
      `subscription { giftSent(broadcaster: "${a.addr.alice}") { txId blockNumber removed } }`,
    );
    for (let attempt = 0; ; attempt++) {
      const probe = await indexedGift('carol', 90n);
      try {
        await sub.next((p) => p.data?.giftSent?.txId === probe, 3_000);
        return sub;
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
  }

  it('waits for the writer to migrate, saying why, then serves the index with /ready', async function () {
    assert.ok(
      firstLog.some((l) => /waiting: DATABASE_URL holds no index schema yet .*start the writer/.test(l)),
      firstLog.join('\n'),
    );
    for (const r of replicas) {
      const ready = await waitFor(
        async () => {
          const res = await fetch(`${r.url}/ready`);
          return res.status === 200 ? ((await res.json()) as { indexed: number }) : undefined;
        },
        20_000,
        '/ready',
      );
      assert.equal(ready.indexed, writer.status().indexed);
    }
  });

  it('shows a gift the writer indexed in both replicas, and sends it once on a replica subscription', async function () {
    const sub = await giftsOn(replicas[0]!.url);
    try {
      const txid = await indexedGift('bob', 1n);
      for (const r of replicas)
        await waitFor(
          async () => ((await giftTxIds(r.url, a.addr.alice)).includes(txid) ? true : undefined),
          10_000,
          'the gift',
        );
      const sent = await sub.next((p) => p.data?.giftSent?.txId === txid);
      assert.equal(sent.data.giftSent.removed, false);
      // A later gift arrives after it: by then a second copy would have too.
      const next = await indexedGift('dave', 1n);
      await sub.next((p) => p.data?.giftSent?.txId === next);
      assert.equal(about(sub, txid).length, 1, 'sent once');
    } finally {
      sub.close();
    }
  });

  it('never asks the node anything, and its connections cannot write', async function () {
    assert.equal(nodeRequests, 0, 'requests from the replicas to the node');
    const status = (await graphql(replicas[1]!.url, '{ status { head indexed } }')).status;
    assert.deepEqual(status, { head: -1, indexed: writer.status().indexed });
    // The connections a replica reads through (postgresApiDb with readOnly, as replica.ts opens them).
    const ro = postgresApiDb(db.url, { readOnly: true });
    try {
      await assert.rejects(ro.all("DELETE FROM indexer_meta WHERE key = 'network'"), /read-only transaction/);
      assert.equal((await ro.all<{ n: number }>('SELECT count(*) AS n FROM gifts'))[0]!.n > 0, true);
    } finally {
      await ro.close();
    }
  });

  it('catches up after its LISTEN connection drops: the gift committed meanwhile arrives once, in order', async function () {
    const sub = await giftsOn(replicas[1]!.url);
    const name = db.url.split('/').pop()!;
    const listeners = async (): Promise<number> =>
      (
        await admin.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
          [name, LISTEN_APPLICATION],
        )
      ).rows[0].n;
    try {
      assert.equal(await listeners(), 2, 'each replica listens');
      // Drop both replicas' LISTEN connections and keep them from coming back while a gift commits.
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, LISTEN_APPLICATION],
      );
      await waitFor(async () => ((await listeners()) === 0 ? true : undefined), 10_000, 'no listener');
      const missed = await indexedGift('bob', 2n);
      assert.equal(await listeners(), 0, 'nobody heard the commit');
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await sub.next((p) => p.data?.giftSent?.txId === missed, 20_000);
      await waitFor(async () => ((await listeners()) === 2 ? true : undefined), 20_000, 'both listening again');
      const after = await indexedGift('dave', 2n);
      await sub.next((p) => p.data?.giftSent?.txId === after);
      assert.deepEqual(
        sub
          .received()
          .map((p) => p.data.giftSent.txId)
          .filter((t: string) => t === missed || t === after),
        [missed, after],
        'each once, in order',
      );
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      sub.close();
    }
  });

  it('tells a replica subscriber of a reorg as the single-process API tells its own (and the writer its own)', async function () {
    // The single-process path: a SQLite index of the same chain with the API in its process.
    const ref = indexerFor(deployments, path.join(tmp.dir, 'reference.sqlite'));
    let refApi: IndexerApi | undefined;
    let refHttp: Listening | undefined;
    // And the writer's own API on Postgres (what `npm run indexer` serves with DATABASE_URL).
    const writerApi = createIndexerApi({ db: postgresApiDb(db.url), indexer: writer });
    const writerHttp = await listenApi(writerApi, { port: 0 });
    const subs: SseSubscription[] = [];
    try {
      await ref.sync();
      refApi = createIndexerApi({ db: ref.db, indexer: ref });
      refHttp = await listenApi(refApi, { port: 0 });
      const both = async (from: 'bob' | 'carol' | 'dave', stream: bigint): Promise<string> => {
        const txid = await indexedGift(from, stream);
        await ref.sync();
        return txid;
      };
      for (const url of [refHttp.url, replicas[0]!.url, writerHttp.url]) {
        const sub = await subscribeSse(
          `${url}/graphql`,
          `subscription { giftSent(broadcaster: "${a.addr.alice}") { txId blockNumber removed } }`,
        );
        subs.push(sub);
      }
      // Live on both: one probe gift delivered to each.
      for (let attempt = 0; ; attempt++) {
        const probe = await both('carol', 91n);
        try {
          for (const s of subs) await s.next((p) => p.data?.giftSent?.txId === probe, 3_000);
          break;
        } catch (e) {
          if (attempt >= 4) throw e;
        }
      }
      const start = subs.map((s) => s.received().length);
      const dropped = await both('bob', 3n);
      const moved = await both('dave', 3n);
      await tre(devnet, 'tre_reorg', [3, { drop: [dropped] }]);
      await writer.sync();
      await ref.sync();
      const fence = await both('carol', 3n);
      for (const s of subs) await s.next((p) => p.data?.giftSent?.txId === fence, 20_000);
      const seen = subs.map((s, i) =>
        s
          .received()
          .slice(start[i])
          .map((p) => p.data.giftSent),
      );
      const single = seen[0]!;
      assert.deepEqual(
        single.filter((g) => g.txId === dropped).map((g) => g.removed),
        [false, true],
        'the single-process API sends the dropped gift, then again removed',
      );
      assert.ok(
        single.some((g) => g.txId === moved && g.removed) && single.some((g) => g.txId === moved && !g.removed),
        'and the moved gift removed, then in its new block',
      );
      assert.deepEqual(seen[1], single, "the replica's subscriber gets the same sequence");
      assert.deepEqual(seen[2], single, "and so does the Postgres writer's own API's");
    } finally {
      for (const s of subs) s.close();
      await refHttp?.close();
      await refApi?.close();
      await writerHttp.close();
      await writerApi.close();
      await writerApi.db.close();
      await ref.close();
    }
  });
});

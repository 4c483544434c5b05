/**
 * Issue 12, item 1: the indexer's GraphQL API cannot be used to stall the process. The attacks
 * the review ran (1,000 aliased `__schema` selections, deep introspection) are replayed against a
 * real API over an empty index, through yoga's fetch handler and through a real HTTP listener.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { listenApi, type Listening } from '../../indexer/api/listen.js';
import {
  apiGuardsFromEnv,
  createIndexerApi,
  type IndexerApi,
  type IndexerApiOptions,
} from '../../indexer/api/server.js';
import { openDatabase, type OpenedDatabase } from '../../indexer/db/open.js';
import { tempDir } from '../helpers/indexer.js';

type Result = { status: number; body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };

describe('security: GraphQL abuse', function () {
  let tmp: ReturnType<typeof tempDir>;
  let opened: OpenedDatabase;
  const apis: IndexerApi[] = [];

  before(function () {
    tmp = tempDir('blive-security-');
    opened = openDatabase(path.join(tmp.dir, 'index.sqlite'));
  });

  after(function () {
    for (const a of apis) a.close();
    opened?.sqlite.close();
    tmp?.cleanup();
  });

  const apiWith = (opts: Partial<IndexerApiOptions> = {}): IndexerApi => {
    const api = createIndexerApi({ db: opened.sqlite, ...opts });
    apis.push(api);
    return api;
  };

  async function post(api: IndexerApi, query: string): Promise<Result> {
    const res = await api.fetch(
      new Request('http://api.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query }),
      }),
    );
    return { status: res.status, body: (await res.json()) as Result['body'] };
  }
  const codes = (r: Result): (string | undefined)[] => (r.body.errors ?? []).map((e) => e.extensions?.code);

  /** The review's payload: `n` aliased introspections of every type and field. */
  const aliasedSchema = (n: number): string =>
    `{ ${Array.from({ length: n }, (_, i) => `s${i}: __schema { types { name kind description fields { name description args { name description } type { name kind ofType { name kind } } } } }`).join(' ')} }`;

  it('refuses a 145 KB query of 1,000 aliased __schema selections before parsing it (413 BODY_TOO_LARGE)', async function () {
    const query = aliasedSchema(1000);
    assert.ok(query.length > 140 * 1024, `the payload is ${query.length} bytes`);
    const r = await post(apiWith(), query);
    assert.equal(r.status, 413);
    assert.deepEqual(codes(r), ['BODY_TOO_LARGE']);
  });

  it('counts aliases of introspection fields: 60 aliased __schema (small enough to parse) are TOO_MANY_ALIASES', async function () {
    const r = await post(apiWith(), aliasedSchema(60));
    assert.equal(r.body.data, undefined);
    assert.ok(codes(r).includes('TOO_MANY_ALIASES'), JSON.stringify(r.body.errors));
  });

  it('counts the cost of introspection: 6 aliased __schema cost more than the budget (QUERY_TOO_COSTLY)', async function () {
    const r = await post(apiWith(), aliasedSchema(6));
    assert.equal(r.body.data, undefined);
    assert.deepEqual(codes(r), ['QUERY_TOO_COSTLY']);
    // Within the budget (4 x 2,000 of 10,000) the same selection is answered.
    const ok = await post(apiWith(), aliasedSchema(4));
    assert.equal(ok.body.errors, undefined);
    assert.ok(ok.body.data.s3.types.some((t: { name: string }) => t.name === 'Query'));
  });

  it('counts the depth of introspection: ofType nested 20 levels is QUERY_TOO_DEEP', async function () {
    const nest = (n: number): string => (n === 0 ? 'name' : `name ofType { ${nest(n - 1)} }`);
    const r = await post(apiWith(), `{ __type(name: "Query") { fields { type { ${nest(20)} } } } }`);
    assert.equal(r.body.data, undefined);
    assert.deepEqual(codes(r), ['QUERY_TOO_DEEP']);
  });

  it("answers GraphiQL's own introspection query", async function () {
    const r = await post(apiWith(), getIntrospectionQuery());
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    assert.equal(r.body.data.__schema.queryType.name, 'Query');
  });

  it('turns introspection (and GraphiQL) off with INDEXER_INTROSPECTION=0; __typename still works', async function () {
    const api = apiWith(apiGuardsFromEnv({ INDEXER_INTROSPECTION: '0' }));
    const r = await post(api, getIntrospectionQuery());
    assert.equal(r.body.data, undefined);
    assert.ok(codes(r).length > 0 && codes(r).every((c) => c === 'INTROSPECTION_DISABLED'), JSON.stringify(codes(r)));
    const t = await post(api, '{ __type(name: "Query") { name } }');
    assert.deepEqual(codes(t), ['INTROSPECTION_DISABLED']);
    const ok = await post(api, '{ __typename status { indexed } }');
    assert.equal(ok.body.errors, undefined);
    assert.equal(ok.body.data.__typename, 'Query');
    const page = await api.fetch(new Request('http://api.test/graphql', { headers: { accept: 'text/html' } }));
    assert.ok(!(await page.text()).includes('GraphiQL'), 'GraphiQL is not served');
  });

  it('refuses a result larger than the response cap with RESPONSE_TOO_LARGE', async function () {
    const r = await post(apiWith({ maxResponseBytes: 2_000 }), getIntrospectionQuery());
    assert.equal(r.body.data, undefined);
    assert.deepEqual(codes(r), ['RESPONSE_TOO_LARGE']);
  });

  it('stops an operation past its deadline with QUERY_TIMEOUT', async function () {
    // A clock that moves 10 s every time it is read: the first resolver already starts too late.
    let t = 0;
    const r = await post(apiWith({ timeoutMs: 5_000, clock: () => (t += 10_000) }), '{ status { indexed } }');
    assert.equal(r.body.data, null);
    assert.deepEqual(codes(r), ['QUERY_TIMEOUT']);
    t = 0;
    const ok = await post(apiWith({ timeoutMs: 5_000, clock: () => t }), '{ status { indexed } }');
    assert.equal(ok.body.errors, undefined);
  });

  it('rejects bad settings by name', function () {
    assert.throws(() => apiGuardsFromEnv({ INDEXER_INTROSPECTION: 'no' }), /INDEXER_INTROSPECTION must be 0 or 1/);
    assert.throws(() => apiGuardsFromEnv({ INDEXER_MAX_BODY_BYTES: '-5' }), /INDEXER_MAX_BODY_BYTES/);
    assert.deepEqual(apiGuardsFromEnv({}), {
      introspection: true,
      maxBodyBytes: 65_536,
      maxResponseBytes: 4_194_304,
      timeoutMs: 5_000,
    });
  });

  describe('over HTTP', function () {
    let l: Listening;
    before(async function () {
      l = await listenApi(apiWith(), { port: 0 });
    });
    after(async function () {
      await l?.close();
    });

    it('refuses an oversized chunked body (no Content-Length) with 413, and keeps answering /health', async function () {
      const query = JSON.stringify({ query: aliasedSchema(1000) });
      const chunked = (): ReadableStream<Uint8Array> =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < query.length; i += 8192) c.enqueue(new TextEncoder().encode(query.slice(i, i + 8192)));
            c.close();
          },
        });
      const attacks = Array.from({ length: 3 }, () =>
        fetch(`${l.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: chunked(),
          duplex: 'half',
        } as RequestInit),
      );
      const [health, ...answers] = await Promise.all([fetch(`${l.url}/health`), ...attacks]);
      assert.equal(health.status, 200);
      for (const a of answers) assert.equal(a.status, 413);
    });
  });
});

/**
 * Relay reports (issue 16, relay rewards) against the live service over HTTP: peer id bindings,
 * reports and every refusal with its code; then what an epoch's stored claims are worth
 * (live/relay/credit.ts over the real tables): a claim the other side does not confirm earns
 * nothing, both sides confirming earn the smaller claim, self-relay and relay with an anonymous
 * peer earn nothing, the pair cap bounds a pair. Each scenario runs in its own epoch: the
 * service's clock is moved a day on between them.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { RELAY_MAX_BYTES, RELAY_MAX_PEERS } from '../../lib/protocol/relay.js';
import { relayCredits } from '../../live/relay/credit.js';
import { relayClaims } from '../../live/relay/store.js';
import { api, signIn, startChain, startLive, type ChainFixture, type LiveFixture, type Msg } from '../helpers/live.js';

const DAY = 86_400_000;

/** A 20-symbol peer id made of `tag` (a letter or digit) repeated, readable in failures. */
const peer = (tag: string): string => tag.repeat(20).slice(0, 20);

describe('live: relay reports of peer-to-peer HLS', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let token: Record<'alice' | 'bob' | 'carol' | 'dave', string>;
  let streamId: string;

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'));
    const [alice, bob, carol, dave] = await Promise.all(
      (['alice', 'bob', 'carol', 'dave'] as const).map((p) => signIn(fx, chain.key[p])),
    );
    token = { alice: alice!, bob: bob!, carol: carol!, dave: dave! };
    const s = await api(fx, 'POST', '/api/streams', { title: 'relay' }, token.alice);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    streamId = s.body.streamId as string;
  });

  after(async function () {
    await fx?.close();
    await chain?.close();
  });

  const bind = (who: keyof typeof token, peerId: string) => api(fx, 'POST', '/api/relay/peer', { peerId }, token[who]);
  const report = (who: keyof typeof token, peerId: string, peers: unknown[], stream = streamId) =>
    api(fx, 'POST', '/api/relay/report', { streamId: stream, peerId, peers }, token[who]);
  const ok = (r: { status: number; body: Msg }): Msg => {
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const refused = (r: { status: number; body: Msg }, status: number, code: string, field?: string): void => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error?.code, code, JSON.stringify(r.body));
    if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  };
  /** Moves the service's clock to a fresh day and returns that day's [from, to). */
  const epoch = (): [number, number] => {
    fx.clock.offset += DAY;
    const from = Date.now() + fx.clock.offset;
    return [from, from + DAY / 2];
  };
  const credits = ([from, to]: [number, number], cap?: bigint) =>
    relayCredits(relayClaims(fx.service.db, from, to), cap);

  describe('when viewers bind their peer ids', function () {
    it('binds a peer id to the signed-in address, again idempotently', async function () {
      assert.deepEqual(ok(await bind('bob', peer('b'))), { peerId: peer('b'), address: chain.addr.bob });
      assert.deepEqual(ok(await bind('bob', peer('b'))), { peerId: peer('b'), address: chain.addr.bob });
    });

    it('refuses with PEER_ID_TAKEN a peer id another address bound', async function () {
      refused(await bind('carol', peer('b')), 409, 'PEER_ID_TAKEN', 'peerId');
    });

    it('refuses anonymous callers with UNAUTHENTICATED', async function () {
      refused(await api(fx, 'POST', '/api/relay/peer', { peerId: peer('z') }), 401, 'UNAUTHENTICATED');
      refused(
        await api(fx, 'POST', '/api/relay/report', { streamId, peerId: peer('z'), peers: [] }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('refuses a malformed peer id with BAD_REQUEST naming the field', async function () {
      refused(await bind('bob', 'short'), 400, 'BAD_REQUEST', 'peerId');
      refused(await bind('bob', `${peer('b').slice(0, 19)}!`), 400, 'BAD_REQUEST', 'peerId');
    });

    it('answers METHOD_NOT_ALLOWED to a GET', async function () {
      refused(await api(fx, 'GET', '/api/relay/peer', undefined, token.bob), 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe('when a report is refused', function () {
    before(async function () {
      ok(await bind('carol', peer('c')));
    });

    it('refuses a report of a peer id the caller did not bind with PEER_NOT_BOUND', async function () {
      // bob's peer id, reported by carol; and a peer id nobody bound.
      refused(await report('carol', peer('b'), [{ peerId: peer('c'), gave: 1, received: 0 }]), 403, 'PEER_NOT_BOUND');
      refused(await report('carol', peer('q'), [{ peerId: peer('b'), gave: 1, received: 0 }]), 403, 'PEER_NOT_BOUND');
    });

    it('refuses a report of an unknown stream with STREAM_NOT_FOUND', async function () {
      refused(
        await report('carol', peer('c'), [{ peerId: peer('b'), gave: 1, received: 0 }], '999999'),
        404,
        'STREAM_NOT_FOUND',
      );
    });

    it('refuses bodies outside the bounds with BAD_REQUEST naming the field', async function () {
      const cases: [unknown[], string][] = [
        [[{ peerId: peer('b'), gave: RELAY_MAX_BYTES + 1, received: 0 }], 'peers.0.gave'],
        [[{ peerId: peer('b'), gave: 0, received: -1 }], 'peers.0.received'],
        [[{ peerId: peer('b'), gave: 1.5, received: 0 }], 'peers.0.gave'],
        [[], 'peers'],
        [
          Array.from({ length: RELAY_MAX_PEERS + 1 }, (_, i) => ({
            peerId: `p${String(i).padStart(19, '0')}`,
            gave: 1,
            received: 0,
          })),
          'peers',
        ],
        [[{ peerId: peer('c'), gave: 1, received: 0 }], 'peers.0.peerId'],
        [
          [
            { peerId: peer('b'), gave: 1, received: 0 },
            { peerId: peer('b'), gave: 1, received: 0 },
          ],
          'peers.1.peerId',
        ],
        [[{ peerId: peer('b'), gave: 1, received: 0, extra: 1 }], 'peers.0'],
      ];
      for (const [peers, field] of cases) refused(await report('carol', peer('c'), peers), 400, 'BAD_REQUEST', field);
      refused(
        await api(fx, 'POST', '/api/relay/report', { streamId: 'x', peerId: peer('c'), peers: [] }, token.carol),
        400,
        'BAD_REQUEST',
        'streamId',
      );
    });

    it('refuses more than 20 reports a minute from one address with RATE_LIMITED', async function () {
      ok(await bind('dave', peer('d')));
      const e = epoch();
      const answers = [];
      for (let i = 0; i < 21; i++)
        answers.push(await report('dave', peer('d'), [{ peerId: peer('b'), gave: 1000, received: 0 }]));
      for (const a of answers.slice(0, 20)) assert.deepEqual(ok(a), { stored: 1 });
      refused(answers[20]!, 429, 'RATE_LIMITED');
      assert.ok(Number(answers[20]!.headers.get('retry-after')) >= 1);
      // dave's claims are his side only: bob never confirmed them.
      const c = credits(e);
      assert.equal(c.claimedGave, 20_000n);
      assert.equal(c.confirmed, 0n);
      assert.deepEqual(c.uploaders, []);
    });
  });

  describe('what an epoch of claims is worth', function () {
    before(async function () {
      ok(await bind('bob', peer('B')));
    });

    it('gives nothing for relay that only the uploader reports', async function () {
      const e = epoch();
      assert.deepEqual(ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 5_000_000, received: 0 }])), {
        stored: 1,
      });
      const c = credits(e);
      assert.deepEqual(
        c.pairs.map((p) => [p.uploader, p.downloader, p.gave, p.received, p.confirmed]),
        [[chain.addr.bob, chain.addr.carol, 5_000_000n, 0n, 0n]],
      );
      assert.deepEqual(c.uploaders, []);
    });

    it('gives nothing for relay that only the downloader reports', async function () {
      const e = epoch();
      ok(await report('carol', peer('c'), [{ peerId: peer('b'), gave: 0, received: 3_000_000 }]));
      const c = credits(e);
      assert.equal(c.pairs.length, 1);
      assert.equal(c.pairs[0]!.received, 3_000_000n);
      assert.equal(c.confirmed, 0n);
      assert.deepEqual(c.uploaders, []);
    });

    it('credits the uploader with the smaller claim when both sides report, summed over reports', async function () {
      const e = epoch();
      // bob says he gave carol 7 MB in two reports; carol says she received 6 MB from bob in three.
      ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 4_000_000, received: 0 }]));
      ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 3_000_000, received: 0 }]));
      for (const n of [1_000_000, 2_000_000, 3_000_000])
        ok(await report('carol', peer('c'), [{ peerId: peer('b'), gave: 0, received: n }]));
      const c = credits(e);
      assert.deepEqual(c.uploaders, [{ uploader: chain.addr.bob, confirmed: 6_000_000n }]);
      // An inflated downloader's claim is cut to what the uploader said the same way.
      const f = epoch();
      ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 2_000_000, received: 0 }]));
      ok(await report('carol', peer('c'), [{ peerId: peer('b'), gave: 0, received: 60_000_000 }]));
      assert.deepEqual(credits(f).uploaders, [{ uploader: chain.addr.bob, confirmed: 2_000_000n }]);
    });

    it('credits both ways of one pair to each uploader, and caps a pair when asked', async function () {
      const e = epoch();
      ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 4_000_000, received: 1_000_000 }]));
      ok(await report('carol', peer('c'), [{ peerId: peer('b'), gave: 1_500_000, received: 4_000_000 }]));
      assert.deepEqual(credits(e).uploaders, [
        { uploader: chain.addr.bob, confirmed: 4_000_000n },
        { uploader: chain.addr.carol, confirmed: 1_000_000n },
      ]);
      assert.deepEqual(credits(e, 2_000_000n).uploaders, [
        { uploader: chain.addr.bob, confirmed: 2_000_000n },
        { uploader: chain.addr.carol, confirmed: 1_000_000n },
      ]);
    });

    it('gives nothing for self-relay: two peer ids of one address confirming each other', async function () {
      const e = epoch();
      ok(await report('bob', peer('b'), [{ peerId: peer('B'), gave: 9_000_000, received: 0 }]));
      ok(await report('bob', peer('B'), [{ peerId: peer('b'), gave: 0, received: 9_000_000 }]));
      const c = credits(e);
      assert.deepEqual(
        c.pairs.map((p) => [p.uploader, p.downloader, p.gave, p.received, p.confirmed]),
        [[chain.addr.bob, chain.addr.bob, 9_000_000n, 9_000_000n, 0n]],
      );
      assert.deepEqual(c.uploaders, []);
    });

    it('gives nothing for relay to a peer nobody bound (an anonymous viewer)', async function () {
      const e = epoch();
      ok(await report('bob', peer('b'), [{ peerId: peer('a'), gave: 8_000_000, received: 0 }]));
      const c = credits(e);
      assert.deepEqual(c.pairs, []);
      assert.equal(c.confirmed, 0n);
    });

    it('counts a report in the epoch the service received it in, not the next', async function () {
      const e = epoch();
      ok(await report('bob', peer('b'), [{ peerId: peer('c'), gave: 1_000_000, received: 0 }]));
      ok(await report('carol', peer('c'), [{ peerId: peer('b'), gave: 0, received: 1_000_000 }]));
      assert.equal(credits(e).confirmed, 1_000_000n);
      assert.equal(credits([e[1], e[1] + DAY]).confirmed, 0n);
    });
  });
});

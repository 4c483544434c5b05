/**
 * Sign-in with TRON against the devnet's chain id and real signMessageV2 signatures: the message,
 * sessions (cookie and bearer), logout, and every refusal with its code.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { Trx } from 'tronweb';
import WebSocket from 'ws';
import { post } from '../helpers/devnet.js';
import { api, startChain, startLive, WsClient, type ChainFixture, type LiveFixture, type Msg } from '../helpers/live.js';

describe('live: sign-in with TRON', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let chainId: string;

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'));
    const genesis = await post(chain.devnet, 'wallet/getblockbynum', { num: 0 });
    chainId = `0x${String(genesis.blockID).slice(-8)}`;
  });

  after(async function () {
    await fx?.close();
    await chain?.close();
  });

  const nonce = async (address: string): Promise<Msg> => {
    const r = await api(fx, 'POST', '/api/auth/nonce', { address });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const verify = (address: string, message: string, signature: string): Promise<{ status: number; body: Msg; headers: Headers }> =>
    api(fx, 'POST', '/api/auth/verify', { address, message, signature });
  const refused = (r: { status: number; body: Msg }, status: number, code: string): void => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error?.code, code, JSON.stringify(r.body));
    assert.equal(typeof r.body.error.message, 'string');
  };

  describe('when a wallet signs the issued message', function () {
    it('issues an EIP-4361-style message with the domain, address, chain id (from the genesis block), nonce and times', async function () {
      const n = await nonce(chain.addr.alice);
      const lines = (n.message as string).split('\n');
      assert.equal(lines[0], 'live.test wants you to sign in with your TRON account:');
      assert.equal(lines[1], chain.addr.alice);
      assert.equal(lines[5], 'URI: http://live.test');
      assert.equal(lines[6], 'Version: 1');
      assert.equal(lines[7], `Chain ID: ${chainId}`);
      assert.equal(lines[8], `Nonce: ${n.nonce}`);
      assert.match(lines[9]!, /^Issued At: \d{4}-\d\d-\d\dT/);
      assert.equal(lines[10], `Expiration Time: ${new Date(n.expiresAt).toISOString()}`);
    });

    it('returns a token, sets an HttpOnly SameSite=Lax cookie, and both open the session until logout', async function () {
      const n = await nonce(chain.addr.alice);
      const r = await verify(chain.addr.alice, n.message, Trx.signMessageV2(n.message, chain.key.alice));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
      const cookie = r.headers.get('set-cookie')!;
      assert.match(cookie, new RegExp(`^blive_session=${r.body.token};`));
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      // Only the hash of the token is stored.
      assert.equal(fx.service.db.prepare('SELECT count(*) FROM live_sessions WHERE token_hash = ?').pluck().get(r.body.token), 0);

      const byCookie = await fetch(`${fx.url}/api/auth/session`, { headers: { cookie: `blive_session=${r.body.token}` } });
      assert.deepEqual(await byCookie.json(), { address: chain.addr.alice, handle: 'alice', expiresAt: r.body.expiresAt });
      const byBearer = await api(fx, 'GET', '/api/auth/session', undefined, r.body.token);
      assert.equal(byBearer.body.address, chain.addr.alice);
      const ws = await WsClient.connect(fx, r.body.token);
      assert.equal(ws.hello.address, chain.addr.alice);
      await ws.close();
      // The browser's way: the cookie on the upgrade request, from a page of the service's origin.
      const raw = new WebSocket(fx.wsUrl, { headers: { cookie: `other=1; blive_session=${r.body.token}`, origin: 'http://live.test' } });
      const hello = await new Promise<Msg>((resolve, reject) => {
        raw.once('message', (d) => resolve(JSON.parse(d.toString()) as Msg));
        raw.once('error', reject);
      });
      assert.equal(hello.address, chain.addr.alice);
      raw.close();

      const out = await api(fx, 'POST', '/api/auth/logout', undefined, r.body.token);
      assert.equal(out.status, 200);
      assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
      refused(await api(fx, 'GET', '/api/auth/session', undefined, r.body.token), 401, 'UNAUTHENTICATED');
      await assert.rejects(WsClient.connect(fx, r.body.token), /401/);
    });

    it('lets anonymous WebSocket connections in without an address', async function () {
      const ws = await WsClient.connect(fx);
      assert.equal(ws.hello.address, null);
      await ws.close();
    });
  });

  describe('when the request is refused', function () {
    it('limits sign-in nonces and HTTP writes per client address with RATE_LIMITED and Retry-After', async function () {
      const limited = await startLive(chain, path.join(chain.tmp.dir, 'limited.db'), { config: { noncesPerMinute: 3, httpWritesPerMinute: 5 } });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await api(limited, 'POST', '/api/auth/nonce', { address: chain.addr.bob })).status, 200);
        const fourth = await api(limited, 'POST', '/api/auth/nonce', { address: chain.addr.bob });
        assert.equal(fourth.status, 429);
        assert.equal(fourth.body.error.code, 'RATE_LIMITED');
        assert.ok(fourth.body.error.retryAfterMs > 0 && fourth.body.error.retryAfterMs <= 60_000);
        assert.ok(Number(fourth.headers.get('retry-after')) >= 1);
        // Reads are not limited; other writes share the per-minute budget (4 of 5 spent).
        assert.equal((await api(limited, 'GET', '/api/streams')).status, 200);
        assert.equal((await api(limited, 'POST', '/api/auth/logout')).status, 200);
        assert.equal((await api(limited, 'POST', '/api/auth/logout')).body.error.code, 'RATE_LIMITED');
        // The clock moves a minute on: the budget is back.
        limited.clock.offset += 61_000;
        assert.equal((await api(limited, 'POST', '/api/auth/nonce', { address: chain.addr.bob })).status, 200);
      } finally {
        await limited.close();
      }
    });

    it('refuses a replayed nonce with NONCE_USED', async function () {
      const n = await nonce(chain.addr.bob);
      const sig = Trx.signMessageV2(n.message, chain.key.bob);
      assert.equal((await verify(chain.addr.bob, n.message, sig)).status, 200);
      refused(await verify(chain.addr.bob, n.message, sig), 401, 'NONCE_USED');
    });

    it('refuses a nonce it never issued (or issued to another address) with NONCE_UNKNOWN', async function () {
      const n = await nonce(chain.addr.bob);
      const forged = (n.message as string).replace(`Nonce: ${n.nonce}`, 'Nonce: 0123456789abcdef01234567');
      refused(await verify(chain.addr.bob, forged, Trx.signMessageV2(forged, chain.key.bob)), 401, 'NONCE_UNKNOWN');
      // Carol signs bob's nonce into a message for herself.
      const carols = (n.message as string).replace(chain.addr.bob, chain.addr.carol);
      refused(await verify(chain.addr.carol, carols, Trx.signMessageV2(carols, chain.key.carol)), 401, 'NONCE_UNKNOWN');
    });

    it('refuses an expired message with MESSAGE_EXPIRED', async function () {
      const n = await nonce(chain.addr.bob);
      fx.clock.offset = 301_000;
      try {
        refused(await verify(chain.addr.bob, n.message, Trx.signMessageV2(n.message, chain.key.bob)), 401, 'MESSAGE_EXPIRED');
      } finally {
        fx.clock.offset = 0;
      }
    });

    it('refuses a message for another domain with WRONG_DOMAIN', async function () {
      const n = await nonce(chain.addr.bob);
      const phishing = (n.message as string).replace(/^live\.test /, 'evil.example ');
      refused(await verify(chain.addr.bob, phishing, Trx.signMessageV2(phishing, chain.key.bob)), 401, 'WRONG_DOMAIN');
    });

    it('refuses a message for another chain (mainnet) with WRONG_CHAIN', async function () {
      const n = await nonce(chain.addr.bob);
      const mainnet = (n.message as string).replace(`Chain ID: ${chainId}`, 'Chain ID: 0x2b6653dc');
      refused(await verify(chain.addr.bob, mainnet, Trx.signMessageV2(mainnet, chain.key.bob)), 401, 'WRONG_CHAIN');
    });

    it('refuses a signature by another key with SIGNATURE_MISMATCH, and the nonce still works after', async function () {
      const n = await nonce(chain.addr.bob);
      refused(await verify(chain.addr.bob, n.message, Trx.signMessageV2(n.message, chain.key.carol)), 401, 'SIGNATURE_MISMATCH');
      const garbage = `0x${'11'.repeat(64)}1b`;
      refused(await verify(chain.addr.bob, n.message, garbage), 401, 'SIGNATURE_MISMATCH');
      assert.equal((await verify(chain.addr.bob, n.message, Trx.signMessageV2(n.message, chain.key.bob))).status, 200);
    });

    it('refuses an altered message (a later expiry) with MESSAGE_MISMATCH', async function () {
      const n = await nonce(chain.addr.bob);
      const longer = (n.message as string).replace(/Expiration Time: .*$/, 'Expiration Time: 2099-01-01T00:00:00.000Z');
      refused(await verify(chain.addr.bob, longer, Trx.signMessageV2(longer, chain.key.bob)), 401, 'MESSAGE_MISMATCH');
    });

    it('refuses malformed input with BAD_REQUEST (naming the field) and bad addresses with BAD_ADDRESS', async function () {
      refused(await api(fx, 'POST', '/api/auth/nonce', { address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv9' }), 400, 'BAD_ADDRESS');
      refused(await api(fx, 'POST', '/api/auth/nonce', { address: '41' + '0'.repeat(40) }), 400, 'BAD_ADDRESS');
      refused(await api(fx, 'POST', '/api/auth/nonce', '{not json'), 400, 'BAD_REQUEST');
      const n = await nonce(chain.addr.bob);
      const noSig = await api(fx, 'POST', '/api/auth/verify', { address: chain.addr.bob, message: n.message });
      refused(noSig, 400, 'BAD_REQUEST');
      assert.equal(noSig.body.error.field, 'signature');
      const notSiwt = await verify(chain.addr.bob, 'hello', Trx.signMessageV2('hello', chain.key.bob));
      refused(notSiwt, 400, 'BAD_REQUEST');
      assert.equal(notSiwt.body.error.field, 'message');
      refused(await api(fx, 'GET', '/api/auth/nonce'), 405, 'METHOD_NOT_ALLOWED');
    });
  });
});

/**
 * Sign-in with TRON against the devnet's chain id and real signMessageV2 signatures: the message,
 * sessions (cookie and bearer), logout, and every refusal with its code.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { Trx } from 'tronweb';
import WebSocket from 'ws';
import { formatSignIn, parseSignIn, type SignInFields } from '../../live/auth/message.js';
import { post } from '../helpers/devnet.js';
import {
  api,
  startChain,
  startLive,
  WsClient,
  type ChainFixture,
  type LiveFixture,
  type Msg,
} from '../helpers/live.js';

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
  const verify = (
    address: string,
    message: string,
    signature: string,
  ): Promise<{ status: number; body: Msg; headers: Headers }> =>
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
      assert.equal(
        fx.service.db.prepare('SELECT count(*) FROM live_sessions WHERE token_hash = ?').pluck().get(r.body.token),
        0,
      );

      const byCookie = await fetch(`${fx.url}/api/auth/session`, {
        headers: { cookie: `blive_session=${r.body.token}` },
      });
      assert.deepEqual(await byCookie.json(), {
        address: chain.addr.alice,
        handle: 'alice',
        expiresAt: r.body.expiresAt,
      });
      const byBearer = await api(fx, 'GET', '/api/auth/session', undefined, r.body.token);
      assert.equal(byBearer.body.address, chain.addr.alice);
      const ws = await WsClient.connect(fx, r.body.token);
      assert.equal(ws.hello.address, chain.addr.alice);
      await ws.close();
      // The browser's way: the cookie on the upgrade request, from a page of the service's origin.
      const raw = new WebSocket(fx.wsUrl, {
        headers: { cookie: `other=1; blive_session=${r.body.token}`, origin: 'http://live.test' },
      });
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
      const limited = await startLive(chain, path.join(chain.tmp.dir, 'limited.db'), {
        config: { noncesPerMinute: 3, httpWritesPerMinute: 5 },
      });
      try {
        for (let i = 0; i < 3; i++)
          assert.equal((await api(limited, 'POST', '/api/auth/nonce', { address: chain.addr.bob })).status, 200);
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
        refused(
          await verify(chain.addr.bob, n.message, Trx.signMessageV2(n.message, chain.key.bob)),
          401,
          'MESSAGE_EXPIRED',
        );
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
      refused(
        await verify(chain.addr.bob, n.message, Trx.signMessageV2(n.message, chain.key.carol)),
        401,
        'SIGNATURE_MISMATCH',
      );
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
      refused(
        await api(fx, 'POST', '/api/auth/nonce', { address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv9' }),
        400,
        'BAD_ADDRESS',
      );
      refused(await api(fx, 'POST', '/api/auth/nonce', { address: `41${'0'.repeat(40)}` }), 400, 'BAD_ADDRESS');
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

  describe('when a sign-in message is parsed', function () {
    const fields: SignInFields = {
      domain: 'live.test',
      address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8',
      statement: 'Sign in to BLive.',
      uri: 'http://live.test',
      version: '1',
      chainId: '0x2b6653dc',
      nonce: '3f1b9c0e7d2a4b5c8e6f1a2b',
      issuedAt: '2026-11-25T17:00:00.000Z',
      expirationTime: '2026-11-25T17:05:00.000Z',
    };
    const text = formatSignIn(fields);
    const withLine = (i: number, line: string): string =>
      text
        .split('\n')
        .map((l, j) => (j === i ? line : l))
        .join('\n');

    it('reads back every field of the formatted message', function () {
      assert.deepEqual(parseSignIn(text), fields);
    });

    it('refuses a message with another number of lines, another header, or text where a blank line belongs', function () {
      assert.equal(parseSignIn(`${text}\n`), undefined);
      assert.equal(parseSignIn(text.split('\n').slice(0, 10).join('\n')), undefined);
      assert.equal(parseSignIn(withLine(0, 'live.test wants you to sign in with your Ethereum account:')), undefined);
      assert.equal(parseSignIn(withLine(2, 'x')), undefined);
      assert.equal(parseSignIn(withLine(4, 'x')), undefined);
    });

    it('refuses a message with a field missing its label, another version, or a date that does not parse', function () {
      assert.equal(parseSignIn(withLine(5, 'URL: http://live.test')), undefined);
      assert.equal(parseSignIn(withLine(6, 'Version: 2')), undefined);
      assert.equal(parseSignIn(withLine(6, 'Version 1')), undefined);
      assert.equal(parseSignIn(withLine(7, 'Chain: 0x2b6653dc')), undefined);
      assert.equal(parseSignIn(withLine(8, 'Nonce 3f1b9c0e7d2a4b5c8e6f1a2b')), undefined);
      assert.equal(parseSignIn(withLine(9, 'Issued: 2026-11-25T17:00:00.000Z')), undefined);
      assert.equal(parseSignIn(withLine(10, 'Expires: 2026-11-25T17:05:00.000Z')), undefined);
      assert.equal(parseSignIn(withLine(9, 'Issued At: yesterday')), undefined);
      assert.equal(parseSignIn(withLine(10, 'Expiration Time: soon')), undefined);
    });
  });

  describe('when a refusal is explained', function () {
    const says = (
      r: { status: number; body: Msg },
      status: number,
      code: string,
      message: string,
      field?: string,
    ): void => {
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error?.code, code, JSON.stringify(r.body));
      assert.equal(r.body.error.message, message);
      if (field !== undefined) assert.equal(r.body.error.field, field);
    };
    const sig = (message: string, key: string): string => Trx.signMessageV2(message, key);

    it('names the field of a message that is not text, too long, not a sign-in message, or for another address', async function () {
      const n = await nonce(chain.addr.bob);
      says(
        await api(fx, 'POST', '/api/auth/verify', {
          address: chain.addr.bob,
          message: 7,
          signature: sig(n.message, chain.key.bob),
        }),
        400,
        'BAD_REQUEST',
        'message must be the signed text',
        'message',
      );
      says(
        await verify(chain.addr.bob, 'x'.repeat(2001), sig(n.message, chain.key.bob)),
        400,
        'BAD_REQUEST',
        'message must be the signed text',
        'message',
      );
      says(
        await verify(chain.addr.bob, 'x'.repeat(2000), sig(n.message, chain.key.bob)),
        400,
        'BAD_REQUEST',
        'message is not a BLive sign-in message',
        'message',
      );
      says(
        await verify(chain.addr.carol, n.message, sig(n.message, chain.key.carol)),
        400,
        'BAD_REQUEST',
        'message is for another address',
        'message',
      );
    });

    it('takes a 65-byte hex signature with or without 0x and refuses anything around it', async function () {
      const n = await nonce(chain.addr.bob);
      const good = sig(n.message, chain.key.bob);
      const bad = 'signature must be a 65-byte hex signature (signMessageV2)';
      says(await verify(chain.addr.bob, n.message, `zz${good.slice(2)}`), 400, 'BAD_REQUEST', bad, 'signature');
      says(await verify(chain.addr.bob, n.message, `${good}00`), 400, 'BAD_REQUEST', bad, 'signature');
      says(await verify(chain.addr.bob, n.message, `ab${good}`), 400, 'BAD_REQUEST', bad, 'signature');
      says(await verify(chain.addr.bob, n.message, 'abc'), 400, 'BAD_REQUEST', bad, 'signature');
      const bare = await verify(chain.addr.bob, n.message, good.slice(2));
      assert.equal(bare.status, 200, JSON.stringify(bare.body));
      assert.equal(bare.body.address, chain.addr.bob);
    });

    it('says which domain, chain, nonce, expiry or signer was wrong', async function () {
      const n = await nonce(chain.addr.bob);
      const phishing = (n.message as string).replace(/^live\.test /, 'evil.example ');
      says(
        await verify(chain.addr.bob, phishing, sig(phishing, chain.key.bob)),
        401,
        'WRONG_DOMAIN',
        'message is for evil.example, not live.test',
      );
      const mainnet = (n.message as string).replace(`Chain ID: ${chainId}`, 'Chain ID: 0x2b6653dc');
      says(
        await verify(chain.addr.bob, mainnet, sig(mainnet, chain.key.bob)),
        401,
        'WRONG_CHAIN',
        `message is for chain 0x2b6653dc, not ${chainId}`,
      );
      const forged = (n.message as string).replace(`Nonce: ${n.nonce}`, 'Nonce: 0123456789abcdef01234567');
      says(
        await verify(chain.addr.bob, forged, sig(forged, chain.key.bob)),
        401,
        'NONCE_UNKNOWN',
        'this nonce was not issued for this address: ask for a new one',
      );
      // An expiry in the message earlier than the nonce's is honoured before the text is compared.
      const shorter = (n.message as string).replace(
        /Expiration Time: .*$/,
        'Expiration Time: 2001-01-01T00:00:00.000Z',
      );
      says(
        await verify(chain.addr.bob, shorter, sig(shorter, chain.key.bob)),
        401,
        'MESSAGE_EXPIRED',
        'the sign-in message has expired: ask for a new one',
      );
      const longer = (n.message as string).replace(/Expiration Time: .*$/, 'Expiration Time: 2099-01-01T00:00:00.000Z');
      says(
        await verify(chain.addr.bob, longer, sig(longer, chain.key.bob)),
        401,
        'MESSAGE_MISMATCH',
        'the message differs from the one issued with this nonce',
      );
      says(
        await verify(chain.addr.bob, n.message, sig(n.message, chain.key.carol)),
        401,
        'SIGNATURE_MISMATCH',
        `the message was signed by ${chain.addr.carol}, not ${chain.addr.bob}`,
      );
      says(
        await verify(chain.addr.bob, n.message, `0x${'11'.repeat(64)}1b`),
        401,
        'SIGNATURE_MISMATCH',
        'the signature does not verify',
      );
      assert.equal((await verify(chain.addr.bob, n.message, sig(n.message, chain.key.bob))).status, 200);
      says(
        await verify(chain.addr.bob, n.message, sig(n.message, chain.key.bob)),
        401,
        'NONCE_USED',
        'this nonce has already signed in: ask for a new one',
      );
    });

    it('answers the wrong method and a missing session with their own messages', async function () {
      says(await api(fx, 'GET', '/api/auth/verify'), 405, 'METHOD_NOT_ALLOWED', 'use POST');
      says(await api(fx, 'POST', '/api/auth/session', {}), 405, 'METHOD_NOT_ALLOWED', 'use GET');
      says(await api(fx, 'GET', '/api/auth/session'), 401, 'UNAUTHENTICATED', 'not signed in');
    });

    it('logs out with ok, an emptied cookie, and closes the sockets of that session', async function () {
      const n = await nonce(chain.addr.bob);
      const token = (await verify(chain.addr.bob, n.message, sig(n.message, chain.key.bob))).body.token as string;
      const ws = new WebSocket(fx.wsUrl, { headers: { authorization: `Bearer ${token}` } });
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      const closed = new Promise<string>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error('the socket was not closed within 5 s of logout')), 5_000);
        ws.once('close', (_code, reason) => {
          clearTimeout(deadline);
          resolve(reason.toString());
        });
      });
      const out = await api(fx, 'POST', '/api/auth/logout', undefined, token);
      assert.equal(out.status, 200);
      assert.deepEqual(out.body, { ok: true });
      assert.equal(out.headers.get('set-cookie'), 'blive_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
      assert.equal(await closed, 'signed out');
    });
  });
});

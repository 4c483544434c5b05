/**
 * The gift relayer (live/relayer) on a real devnet with the live service: a viewer opens a session
 * through the relayer (a TIP-712 request, relayed as openSession), each signed intent is checked,
 * stored and posted in the stream's chat as sent, then settled in a settleGifts batch and followed
 * to confirmed and final; forged, replayed (same chain, another chain id, another vault), expired,
 * over-cap, closed-session and relayer-altered intents are refused with their codes (and an altered
 * intent is skipped on chain too); a reorg that drops a batch gets its intents resubmitted and
 * settled once.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import {
  type CloseSession,
  generateSessionKey,
  type GiftIntent,
  giftVaultDomain,
  intentTuple,
  type OpenSession,
  SKIP_REASONS,
  signTyped,
  NO_PREV,
} from '../../lib/gifts/intents.js';
import { toWire } from '../../lib/protocol/gifts.js';
import { call, send, TRX_ADDRESS } from '../helpers/contracts.js';
import { tre, waitFor } from '../helpers/devnet.js';
import { fullNodeClient } from '../helpers/indexer.js';
import {
  api,
  type ChainFixture,
  type LiveFixture,
  type Msg,
  signIn,
  startChain,
  startLive,
  WsClient,
} from '../helpers/live.js';

const SUN = 1_000_000n;
const PRICE = 10n * SUN;
const GIFT = 9n;
const SETTLE =
  'settleGifts((address,address,uint256,uint256,uint256,address,uint256,uint256,uint256,bytes32)[],bytes[])';
const SESSION_OF_OUT = ['address', 'address', 'uint256', 'uint256', 'uint256', 'uint64', 'uint64', 'bool'];

describe('live: the gift relayer', function () {
  this.timeout(120_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let viewer: WsClient;
  let domain: ReturnType<typeof giftVaultDomain>;

  const nowS = (): bigint => BigInt(Math.floor(Date.now() / 1000));
  // Intents of different sessions with equal fields would have one digest: each gets its own deadline.
  let unique = 0n;

  /** Opens a session of bob through the relayer; returns its key. */
  async function openSession(cap = 20n * PRICE): Promise<{ key: string; address: string }> {
    const k = generateSessionKey();
    const request: OpenSession = {
      viewer: chain.addr.bob,
      sessionKey: k.address,
      token: TRX_ADDRESS,
      cap,
      expiresAt: nowS() + 3600n,
      deadline: nowS() + 600n,
    };
    const r = await api(fx, 'POST', '/api/relayer/sessions', {
      request: toWire(request),
      signature: signTyped(domain, 'OpenSession', request, chain.key.bob),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.sessionKey, k.address);
    return { key: k.privateKey, address: k.address };
  }

  function intent(nonce: bigint, over: Partial<GiftIntent> = {}): GiftIntent {
    return {
      sender: chain.addr.bob,
      broadcaster: chain.addr.alice,
      giftId: GIFT,
      quantity: 1n,
      streamId: 1n,
      token: TRX_ADDRESS,
      maxTotal: PRICE,
      nonce,
      deadline: nowS() + 300n + unique++,
      prev: NO_PREV,
      ...over,
    };
  }

  const submit = (i: GiftIntent, signature: string) =>
    api(fx, 'POST', '/api/relayer/intents', { intent: toWire(i), signature });
  const signed = (i: GiftIntent, key: string, d = domain) => signTyped(d, 'GiftIntent', i, key);
  const status = async (hash: string): Promise<Msg> => (await api(fx, 'GET', `/api/relayer/intents/${hash}`)).body;
  const statusIs = (hash: string, want: string, ms = 20_000) =>
    waitFor(async () => ((await status(hash)).status === want ? status(hash) : undefined), ms, `${hash} ${want}`);
  const sessionOf = (key: string): Promise<unknown[]> =>
    call(chain.devnet, chain.sys.vault, 'sessionOf(address)', [key], SESSION_OF_OUT);

  before(async function () {
    chain = await startChain();
    domain = giftVaultDomain(chain.devnet.chain.chainId, chain.sys.vault);
    await chain.tx('admin', chain.sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
      GIFT,
      TRX_ADDRESS,
      PRICE,
      true,
      'data:application/json,{"name":"Coffee"}',
    ]);
    await chain.tx('bob', chain.sys.vault, 'depositTRX()', [], 5000n * SUN);
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'), {
      params: {
        relayer: {
          privateKey: chain.key.admin,
          vault: chain.sys.vault,
          options: { batchMs: 50, followMs: 50, batchSize: 10 },
        },
      },
    });
    await fx.service.relayer;
    const alice = await signIn(fx, chain.key.alice);
    assert.equal((await api(fx, 'POST', '/api/streams', { title: 'Gifts welcome' }, alice)).body.streamId, '1');
    viewer = await WsClient.connect(fx);
    await viewer.join('stream:1');
  });

  after(async function () {
    await viewer?.close();
    await fx?.close();
    await chain?.close();
  });

  it('takes a signed intent, posts it as sent at once, then confirmed and final as its batch settles', async function () {
    const s = await openSession();
    const i = intent(0n);
    const r = await submit(i, signed(i, s.key));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.status, 'sent');
    const hash = r.body.intentHash as string;
    const sent = await viewer.take(
      (m) => m.type === 'message' && m.gift?.intentHash === hash,
      5000,
      'the sent receipt',
    );
    assert.equal(sent.gift.finality, 'sent');
    assert.equal(sent.gift.txId, null);
    assert.equal(sent.gift.total, PRICE.toString());
    assert.equal(sent.gift.name, 'Coffee');
    assert.equal(sent.text, `bob sent 1 × Coffee`);
    const confirmed = await viewer.take(
      (m) => m.type === 'message.update' && m.id === sent.id && m.gift.finality === 'confirmed',
      20_000,
      'the confirmed receipt',
    );
    assert.match(confirmed.gift.txId, /^[0-9a-f]{64}$/);
    assert.equal(typeof confirmed.gift.blockNumber, 'number');
    const info = await fullNodeClient(chain.devnet, 0).trx.getUnconfirmedTransactionInfo(confirmed.gift.txId);
    assert.equal((info as { receipt?: { result?: string } }).receipt?.result, 'SUCCESS');
    // The solidity lag is 2 blocks: two more make the batch's block solidified.
    await tre(chain.devnet, 'tre_mine', [3]);
    await viewer.take(
      (m) => m.type === 'message.update' && m.id === sent.id && m.gift.finality === 'final',
      20_000,
      'the final receipt',
    );
    const st = await status(hash);
    assert.deepEqual([st.status, st.txId, st.reason], ['final', confirmed.gift.txId, null]);
    const [viewerAddr, , cap, spent, nextNonce] = await sessionOf(s.address);
    assert.deepEqual([viewerAddr, cap, spent, nextNonce], [chain.addr.bob, 20n * PRICE, PRICE, 1n]);
    // The relayer's figures in the service's /metrics text: this first intent, accepted and final.
    const metric = (line: string) => Number(fx.service.metrics().match(new RegExp(`^${line} (\\d+)$`, 'm'))?.[1]);
    assert.equal(metric('blive_relayer_intents_total\\{outcome="accepted"\\}'), 1);
    assert.equal(metric('blive_relayer_intents_total\\{outcome="refused"\\}'), 0);
    assert.equal(metric('blive_relayer_settled_total\\{status="final"\\}'), 1);
    assert.ok(metric('blive_relayer_batches_total') >= 1);
  });

  it('refuses forged, replayed, cross-chain, cross-vault, expired, over-cap, out-of-order and altered intents with their codes', async function () {
    const s = await openSession(3n * PRICE);
    const ok = intent(0n);
    const okSig = signed(ok, s.key);
    const refused = async (i: GiftIntent, sig: string, code: string) => {
      const r = await submit(i, sig);
      assert.equal(r.body.error?.code, code, `${code}: ${JSON.stringify(r.body)}`);
      assert.ok(r.status >= 400);
    };
    await refused(ok, signed(ok, generateSessionKey().privateKey), 'BAD_SIGNATURE');
    await refused(
      ok,
      signed(ok, s.key, giftVaultDomain(chain.devnet.chain.chainId + 1n, chain.sys.vault)),
      'BAD_SIGNATURE',
    );
    await refused(
      ok,
      signed(ok, s.key, giftVaultDomain(chain.devnet.chain.chainId, chain.sys.profiles)),
      'BAD_SIGNATURE',
    );
    // Altered after signing (the relayer would be the one to try): the digest no longer matches.
    await refused({ ...ok, maxTotal: 2n * PRICE, quantity: 2n }, okSig, 'BAD_SIGNATURE');
    await refused({ ...ok, broadcaster: chain.addr.carol }, okSig, 'BAD_SIGNATURE');
    const expired = intent(0n, { deadline: nowS() - 1n });
    await refused(expired, signed(expired, s.key), 'INTENT_EXPIRED');
    const gap = intent(1n);
    await refused(gap, signed(gap, s.key), 'INTENT_NONCE_GAP');
    const cheap = intent(0n, { maxTotal: PRICE - 1n });
    await refused(cheap, signed(cheap, s.key), 'INTENT_TERMS_CHANGED');
    const malformed = await api(fx, 'POST', '/api/relayer/intents', {
      intent: { ...toWire(ok), nonce: '-1' },
      signature: okSig,
    });
    assert.equal(malformed.body.error?.code, 'BAD_REQUEST');

    assert.equal((await submit(ok, okSig)).status, 202);
    await refused(ok, okSig, 'INTENT_REPLAYED');
    const reused = intent(0n, { streamId: 2n });
    await refused(reused, signed(reused, s.key), 'INTENT_NONCE_USED');
    // The cap is 3 gifts: one in flight and two more leave nothing for a fourth, net of gifts not settled yet.
    const two = intent(1n, { quantity: 2n, maxTotal: 2n * PRICE });
    assert.equal((await submit(two, signed(two, s.key))).status, 202);
    const over = intent(2n);
    await refused(over, signed(over, s.key), 'INTENT_OVER_CAP');
  });

  it('skips an altered intent on chain too (settleGifts checks every signature)', async function () {
    const s = await openSession();
    const i = intent(0n);
    const sig = signed(i, s.key);
    const altered = { ...i, broadcaster: chain.addr.carol };
    const r = await send(chain.devnet, fullNodeClient(chain.devnet, 0), chain.sys.vault, SETTLE, [
      [intentTuple(altered)],
      [sig],
    ]);
    const skip = r.events.find((e) => e.name === 'IntentSkipped');
    assert.equal(SKIP_REASONS[Number(skip?.args.reason)], 'BadSignature');
    assert.ok(!r.events.some((e) => e.name === 'GiftSettled'));
  });

  it('refuses intents of a session closed through the relayer', async function () {
    const s = await openSession();
    const first = intent(0n);
    assert.equal((await submit(first, signed(first, s.key))).status, 202);
    const request: CloseSession = { viewer: chain.addr.bob, sessionKey: s.address, deadline: nowS() + 600n };
    const forged = await api(fx, 'POST', '/api/relayer/sessions/close', {
      request: toWire(request),
      signature: signTyped(domain, 'CloseSession', request, chain.key.carol),
    });
    assert.equal(forged.body.error?.code, 'BAD_SIGNATURE');
    const closed = await api(fx, 'POST', '/api/relayer/sessions/close', {
      request: toWire(request),
      signature: signTyped(domain, 'CloseSession', request, chain.key.bob),
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const next = intent(1n);
    const r = await submit(next, signed(next, s.key));
    assert.equal(r.body.error?.code, 'SESSION_ENDED');
    // What was accepted before the close still settles (within the grace period).
    const h = (await api(fx, 'GET', '/api/relayer/intents/0x00')).body;
    assert.equal(h.error?.code, 'INTENT_NOT_FOUND');
  });

  it('resubmits a batch a reorg dropped, and the gift settles once', async function () {
    const s = await openSession();
    const i = intent(0n);
    const r = await submit(i, signed(i, s.key));
    const hash = r.body.intentHash as string;
    const first = await statusIs(hash, 'confirmed');
    const head = chain.devnet.chain.head.number;
    const depth = head - (first.blockNumber as number) + 1;
    const reorg = await tre<{ dropped: string[] }>(chain.devnet, 'tre_reorg', [depth, { drop: [first.txId] }]);
    assert.deepEqual(reorg.dropped, [first.txId]);
    const again = await waitFor(
      async () => {
        const st = await status(hash);
        return st.status === 'confirmed' && st.txId !== first.txId ? st : undefined;
      },
      20_000,
      'the resubmitted batch',
    );
    assert.notEqual(again.txId, first.txId);
    const [, , , spent, nextNonce] = await sessionOf(s.address);
    assert.deepEqual([spent, nextNonce], [PRICE, 1n]);
    await tre(chain.devnet, 'tre_mine', [3]);
    await statusIs(hash, 'final');
  });
});

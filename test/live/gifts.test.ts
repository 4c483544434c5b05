/**
 * Gift receipts: a gift sent on the devnet reaches the stream's room through the indexer's
 * giftSent subscription (SSE) as a pending receipt with the catalog name, and flips to final once
 * the solidified head passes it; the subscription comes back after the indexer API drops.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { listenApi } from '../../indexer/api/listen.js';
import { giftName } from '../../live/chat/gifts.js';
import { TRX_ADDRESS, type TxResult } from '../helpers/contracts.js';
import { tre, waitFor } from '../helpers/devnet.js';
import { api, signIn, startChain, startLive, WsClient, type ChainFixture, type LiveFixture } from '../helpers/live.js';
import type { GiftReceipt } from '../../lib/protocol/payloads.js';

const SUN = 1_000_000n;

describe('live: gift receipts', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let viewer: WsClient;

  const giftTo = (streamId: bigint, quantity: bigint): Promise<TxResult> =>
    chain.tx(
      'bob',
      chain.sys.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      [chain.addr.alice, 9n, quantity, streamId, TRX_ADDRESS, 10n * SUN * quantity],
      10n * SUN * quantity,
    );

  before(async function () {
    chain = await startChain();
    // The catalog entry as migrations/2_deploy_blive.js lists it (config/catalog.json's Coffee).
    await chain.tx('admin', chain.sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
      9n,
      TRX_ADDRESS,
      10n * SUN,
      true,
      'data:application/json,{"name":"Coffee","animation":"coffee"}',
    ]);
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'));
    const alice = await signIn(fx, chain.key.alice);
    assert.equal((await api(fx, 'POST', '/api/streams', { title: 'Gifts welcome' }, alice)).body.streamId, '1');
    viewer = await WsClient.connect(fx);
    await viewer.join('stream:1');
    await fx.service.gifts!.connected;
  });

  after(async function () {
    await viewer?.close();
    await fx?.close();
    await chain?.close();
  });

  it('names gifts from the catalog uri: a data: URI or JSON with a name, else the string itself', function () {
    assert.equal(giftName('data:application/json,{"name":"Coffee","animation":"coffee"}', '9'), 'Coffee');
    assert.equal(giftName('data:application/json,%7B%22name%22%3A%22Rose%22%7D', '2'), 'Rose');
    assert.equal(giftName('{"name":"Star"}', '4'), 'Star');
    assert.equal(giftName('rose', '1'), 'rose');
    assert.equal(giftName(undefined, '5'), 'Gift #5');
  });

  it('posts a pending receipt with the sender, gift name, quantity and total, then updates it to final', async function () {
    await giftTo(1n, 3n);
    const m = await viewer.take((x) => x.type === 'message' && x.kind === 'gift', 10_000, 'the gift receipt');
    assert.equal(m.room, 'stream:1');
    assert.equal(m.from, chain.addr.bob);
    assert.equal(m.handle, 'bob');
    assert.equal(m.text, 'bob sent 3 × Coffee');
    assert.deepEqual(
      { ...m.gift, txId: undefined, blockNumber: undefined },
      {
        txId: undefined,
        blockNumber: undefined,
        logIndex: m.gift.logIndex,
        sender: chain.addr.bob,
        senderHandle: 'bob',
        broadcaster: chain.addr.alice,
        giftId: '9',
        name: 'Coffee',
        quantity: 3,
        token: TRX_ADDRESS,
        total: '30000000',
        finality: 'pending',
      },
    );
    assert.match(m.gift.txId, /^[0-9a-f]{64}$/);
    // Two more blocks solidify it (the devnet trails by two).
    await tre(chain.devnet, 'tre_mine', [2]);
    const u = await viewer.take((x) => x.type === 'message.update' && x.id === m.id, 10_000, 'the final update');
    assert.equal(u.gift.finality, 'final');
    assert.equal(u.gift.txId, m.gift.txId);
    // History carries the final state.
    const late = await WsClient.connect(fx);
    const history = await late.join('stream:1');
    assert.equal(history.find((x) => x.id === m.id)?.gift.finality, 'final');
    await late.close();
  });

  it('marks a receipt dropped when a reorg takes the gift back, and pending again when it comes back', async function () {
    const replayed = await giftTo(1n, 7n);
    const m = await viewer.take((x) => x.type === 'message' && x.kind === 'gift' && x.gift.quantity === 7, 10_000);
    // The same transactions in a new block: taken back, then indexed again.
    await tre(chain.devnet, 'tre_reorg', [1, {}]);
    assert.equal(
      (await viewer.take((x) => x.type === 'message.update' && x.id === m.id, 10_000, 'the drop')).gift.finality,
      'dropped',
    );
    const back = await viewer.take((x) => x.type === 'message.update' && x.id === m.id, 10_000, 'the return');
    assert.equal(back.gift.finality, 'pending');
    assert.equal(back.gift.txId, replayed.txid);

    const dropped = await giftTo(1n, 8n);
    const d = await viewer.take((x) => x.type === 'message' && x.kind === 'gift' && x.gift.quantity === 8, 10_000);
    await tre(chain.devnet, 'tre_reorg', [1, { drop: [dropped.txid] }]);
    assert.equal(
      (await viewer.take((x) => x.type === 'message.update' && x.id === d.id, 10_000, 'the drop')).gift.finality,
      'dropped',
    );
    // Once past the solidified head the replayed gift is final; the dropped one stays dropped.
    await tre(chain.devnet, 'tre_mine', [3]);
    assert.equal(
      (await viewer.take((x) => x.type === 'message.update' && x.id === m.id, 10_000, 'finality')).gift.finality,
      'final',
    );
    assert.equal(
      fx.service.db.prepare('SELECT finality FROM live_gift_receipts WHERE tx_id = ?').pluck().get(dropped.txid),
      'dropped',
    );
  });

  // Issue 12, item 5: a gift to another broadcaster tagged with alice's streamId used to appear in
  // her chat as hers. It belongs to its broadcaster alone: no receipt in stream 1's room.
  it("posts no receipt for a gift to another broadcaster tagged with the stream's id", async function () {
    await chain.tx('carol', chain.sys.profiles, 'register(string,string)', ['carol', '']);
    await chain.tx('carol', chain.sys.profiles, 'setBroadcaster(bool)', [true]);
    const before = fx.service.db.prepare('SELECT count(*) FROM live_gift_receipts').pluck().get() as number;
    const foreign = await chain.tx(
      'bob',
      chain.sys.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      [chain.addr.carol, 9n, 6n, 1n, TRX_ADDRESS, 60n * SUN],
      60n * SUN,
    );
    await giftTo(1n, 2n);
    const m = await viewer.take(
      (x) => x.type === 'message' && x.kind === 'gift',
      10_000,
      'the receipt of the gift to alice',
    );
    assert.equal(m.gift.quantity, 2, 'the first receipt in the room is the gift to alice, not the 6 to carol');
    assert.equal(m.gift.broadcaster, chain.addr.alice);
    assert.equal(
      fx.service.db.prepare('SELECT count(*) FROM live_gift_receipts WHERE tx_id = ?').pluck().get(foreign.txid),
      0,
    );
    assert.equal(fx.service.db.prepare('SELECT count(*) FROM live_gift_receipts').pluck().get(), before + 1);
  });

  it('ignores gifts to streams this service does not know, and posts each gift once', async function () {
    await giftTo(77n, 1n);
    await giftTo(1n, 1n);
    const m = await viewer.take((x) => x.type === 'message' && x.kind === 'gift', 10_000);
    assert.equal(m.gift.quantity, 1);
    assert.equal(fx.service.db.prepare('SELECT count(*) FROM live_gift_receipts').pluck().get(), 5);
    assert.equal(fx.service.db.prepare("SELECT count(*) FROM live_messages WHERE kind = 'gift'").pluck().get(), 5);
  });

  it('reconnects to the subscription after the indexer API drops, and posts the gifts sent meanwhile', async function () {
    const port = Number(new URL(chain.apiServer.url).port);
    await chain.apiServer.close();
    // Sent while the API is down: the indexer indexes it, nobody tells the live service.
    await giftTo(1n, 4n);
    chain.apiServer = await listenApi(chain.api, { port });
    const missed = await viewer.take(
      (x) => x.type === 'message' && x.kind === 'gift',
      15_000,
      'the receipt of the gift sent while down',
    );
    assert.equal(missed.gift.quantity, 4);
    assert.ok(fx.service.gifts!.connectionCount > 1);
    await giftTo(1n, 2n);
    const m = await viewer.take(
      (x) => x.type === 'message' && x.kind === 'gift',
      15_000,
      'a receipt after reconnecting',
    );
    assert.equal(m.gift.quantity, 2);
  });

  // Issue 12, item 11: after a hard kill the platform rebuilt the index, and a receipt still said
  // final for a gift the chain no longer had. On a rebuilt index every final receipt is checked
  // again: gone from the index, it is dropped; still there and solidified, it is final again.
  it('checks every final receipt again when told the index was rebuilt', async function () {
    const dbPath = fx.service.config.dbPath;
    const real = fx.service.db
      .prepare("SELECT * FROM live_gift_receipts WHERE finality = 'final' ORDER BY block_number LIMIT 1")
      .get() as { tx_id: string; log_index: number; message_id: number };
    assert.ok(real, 'a final receipt from the tests above');
    // A receipt the old index had called final, for a gift the chain no longer has.
    const ghost = 'ab'.repeat(32);
    fx.service.db.transaction(() => {
      const msg = fx.service.rooms.post('stream:1', 'gift', chain.addr.bob, 'bob', 'bob sent 1 × Coffee', {
        txId: ghost,
        logIndex: 0,
        finality: 'final',
        // Only what the recheck reads: the rest of a receipt does not matter here.
      } as GiftReceipt);
      fx.service.db
        .prepare(
          "INSERT INTO live_gift_receipts (tx_id, log_index, stream_id, message_id, block_number, timestamp, finality) VALUES (?, 0, 1, ?, 1, ?, 'final')",
        )
        .run(ghost, msg.id, Date.now());
    })();
    await viewer.close();
    await fx.close();
    fx = await startLive(chain, dbPath, { params: { recheckGiftReceipts: true } });
    viewer = await WsClient.connect(fx);
    await viewer.join('stream:1');
    const finality = (tx: string): unknown =>
      fx.service.db.prepare('SELECT finality FROM live_gift_receipts WHERE tx_id = ?').pluck().get(tx);
    await waitFor(() => (finality(ghost) === 'dropped' ? true : undefined), 10_000, 'the ghost receipt to be dropped');
    await waitFor(
      () => (finality(real.tx_id) === 'final' ? true : undefined),
      10_000,
      'the real receipt to be confirmed final again',
    );
    const history = await (await WsClient.connect(fx)).join('stream:1');
    assert.equal(history.find((x) => x.gift?.txId === ghost)?.gift.finality, 'dropped');
  });

  it('posts gifts sent while the service was stopped once it is back', async function () {
    const dbPath = fx.service.config.dbPath;
    await viewer.close();
    await fx.close();
    await giftTo(1n, 5n);
    fx = await startLive(chain, dbPath);
    viewer = await WsClient.connect(fx);
    // The catch-up may land before or after the join: in the history or as a live message.
    const history = await viewer.join('stream:1');
    const m =
      history.find((x) => x.kind === 'gift' && x.gift.quantity === 5) ??
      (await viewer.take(
        (x) => x.type === 'message' && x.kind === 'gift' && x.gift.quantity === 5,
        15_000,
        'the receipt of the gift sent while stopped',
      ));
    assert.equal(m.text, 'bob sent 5 × Coffee');
    assert.equal(
      fx.service.db.prepare("SELECT count(*) FROM live_messages WHERE kind = 'gift'").pluck().get(),
      9,
      'no gift posted twice (the ghost receipt of the test above counts)',
    );
  });
});

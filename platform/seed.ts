/**
 * The demo `npm start` seeds once per deployment, so a new user sees a living platform: alice (dev
 * account 1) is a broadcaster with a stream, bob and carol (2, 3) follow her, hold BTT, USDT and
 * TRX in the vault and have sent her a few gifts. Every dev account gets test BTT and USDT from the
 * mock tokens' open mint. All of it goes through real transactions; nothing is written around the
 * chain. Idempotent: an existing "alice" profile means the chain part is done.
 */
import { TronWeb } from 'tronweb';
import type { Devnet } from '../devnet/index.js';
import type { Indexer } from '../indexer/index.js';
import type { LiveService } from '../live/index.js';
import type { Deployment } from '../lib/deployments.js';
import { readNetworkPresentation } from '../lib/webConfig.js';

/** One whole token in base units, from config/deploy.json's decimals (what the web shows too). */
const { tokenDecimals } = readNetworkPresentation();
const unit = (symbol: string): bigint => 10n ** BigInt(tokenDecimals[symbol] ?? Number.NaN);
const BTT = unit('BTT');
const USDT = unit('USDT');
const TRX = unit('TRX');

/** Catalog ids and prices (config/catalog.json): gifts bind the token and the price the sender saw. */
const GIFT = {
  ROSE: { id: 2n, token: 'BTT', price: 10n * BTT },
  STAR: { id: 4n, token: 'BTT', price: 100n * BTT },
  COFFEE: { id: 9n, token: 'TRX', price: 10n * TRX },
  BALLOON: { id: 10n, token: 'USDT', price: 1n * USDT },
} as const;

interface SeedParams {
  devnet: Devnet;
  deployments: Deployment;
  live: LiveService;
  indexer: Indexer;
  log: (m: string) => void;
}

type Param = { type: string; value: unknown };

/** Sends a contract call from `tw`'s account and waits for its receipt; throws unless it succeeded. */
async function send(tw: TronWeb, contract: string, fn: string, params: Param[], callValue = 0n): Promise<string> {
  const { transaction, result } = await tw.transactionBuilder.triggerSmartContract(
    contract,
    fn,
    { feeLimit: 1_000_000_000, callValue: Number(callValue) },
    params,
    tw.defaultAddress.base58 as string,
  );
  if (!result?.result) throw new Error(`seed: ${fn} could not be built: ${JSON.stringify(result)}`);
  const signed = await tw.trx.sign(transaction);
  const sent = await tw.trx.sendRawTransaction(signed);
  if (!sent.result) throw new Error(`seed: ${fn} was refused: ${JSON.stringify(sent)}`);
  for (let i = 0; i < 200; i++) {
    const info = (await tw.trx.getUnconfirmedTransactionInfo(transaction.txID)) as {
      receipt?: { result?: string };
      resMessage?: string;
    };
    if (info?.receipt) {
      if (info.receipt.result !== 'SUCCESS')
        throw new Error(
          `seed: ${fn} failed: ${info.receipt.result} ${info.resMessage ? Buffer.from(info.resMessage, 'hex').toString() : ''}`,
        );
      return transaction.txID;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`seed: no receipt for ${fn} (${transaction.txID})`);
}

/** Waits until the indexer has indexed the devnet's head (or throws after `ms`). */
async function caughtUp(indexer: Indexer, devnet: Devnet, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const s = indexer.status();
    if (s.error) throw new Error(`seed: the indexer stopped: ${s.error}`);
    if (s.indexed >= devnet.chain.head.number) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('seed: the indexer did not catch up with the devnet in time');
}

/** Seeds the demo if it is not there yet. */
export async function seedDemo(p: SeedParams): Promise<void> {
  const { devnet, deployments: d } = p;
  const c = {
    profiles: d.contracts.Profiles!.address,
    vault: d.contracts.GiftVault!.address,
    btt: d.tokens.BTT!,
    usdt: d.tokens.USDT!,
  };
  const client = (i: number): TronWeb =>
    new TronWeb({ fullHost: devnet.url, privateKey: devnet.accounts[i]!.privateKey });
  const [admin, alice, bob, carol] = [0, 1, 2, 3].map(client) as [TronWeb, TronWeb, TronWeb, TronWeb];
  const aliceAddr = devnet.accounts[1]!.address;

  const registered = await admin.transactionBuilder.triggerConstantContract(
    c.profiles,
    'isRegistered(address)',
    {},
    [{ type: 'address', value: aliceAddr }],
    devnet.accounts[0]!.address,
  );
  const aliceRegistered = BigInt(`0x${registered.constant_result?.[0] ?? '0'}`) === 1n;

  if (!aliceRegistered) {
    await devnet.chain.instantly(async () => {
      p.log('seeding the demo: profiles, test tokens, deposits...');
      for (let i = 0; i < devnet.accounts.length; i++) {
        const to = devnet.accounts[i]!.address;
        await send(admin, c.btt, 'mint(address,uint256)', [
          { type: 'address', value: to },
          { type: 'uint256', value: (100_000n * BTT).toString() },
        ]);
        await send(admin, c.usdt, 'mint(address,uint256)', [
          { type: 'address', value: to },
          { type: 'uint256', value: (10_000n * USDT).toString() },
        ]);
      }
      const aliceUri = `data:application/json,${JSON.stringify({ name: 'Alice', bio: 'Live music every evening. Demo broadcaster on the devnet.' })}`;
      await send(alice, c.profiles, 'register(string,string)', [
        { type: 'string', value: 'alice' },
        { type: 'string', value: aliceUri },
      ]);
      await send(alice, c.profiles, 'setBroadcaster(bool)', [{ type: 'bool', value: true }]);
      for (const [tw, handle] of [
        [bob, 'bob'],
        [carol, 'carol'],
      ] as const) {
        await send(tw, c.profiles, 'register(string,string)', [
          { type: 'string', value: handle },
          { type: 'string', value: '' },
        ]);
        await send(tw, c.profiles, 'follow(address)', [{ type: 'address', value: aliceAddr }]);
      }
      for (const tw of [bob, carol]) {
        await send(tw, c.vault, 'depositTRX()', [], 200n * TRX);
        await send(tw, c.btt, 'approve(address,uint256)', [
          { type: 'address', value: c.vault },
          { type: 'uint256', value: (5_000n * BTT).toString() },
        ]);
        await send(tw, c.vault, 'deposit(address,uint256)', [
          { type: 'address', value: c.btt },
          { type: 'uint256', value: (5_000n * BTT).toString() },
        ]);
      }
      await send(bob, c.usdt, 'approve(address,uint256)', [
        { type: 'address', value: c.vault },
        { type: 'uint256', value: (100n * USDT).toString() },
      ]);
      await send(bob, c.vault, 'deposit(address,uint256)', [
        { type: 'address', value: c.usdt },
        { type: 'uint256', value: (100n * USDT).toString() },
      ]);
    });
  }

  // The stream: the live service asks the indexer whether alice is a broadcaster.
  const existing = p.live.streams.list({ owner: aliceAddr });
  if (existing.nodes.length > 0) return;
  await caughtUp(p.indexer, devnet);
  const stream = await p.live.streams.create(aliceAddr, {
    title: 'Evening acoustic set (demo)',
    category: 'Music',
    tags: ['acoustic', 'demo'],
    language: 'en',
  });
  const streamId = stream.streamId;
  p.log(`seeded stream ${streamId} for alice; sending a few gifts...`);
  await devnet.chain.instantly(async () => {
    const tokenOf = { BTT: c.btt, USDT: c.usdt, TRX: d.tokens.TRX! } as const;
    // sendGift(broadcaster, giftId, quantity, streamId, expectedToken, maxTotal)
    const gift = (g: (typeof GIFT)[keyof typeof GIFT], qty: bigint): Param[] => [
      { type: 'address', value: aliceAddr },
      { type: 'uint256', value: g.id.toString() },
      { type: 'uint256', value: qty.toString() },
      { type: 'uint256', value: String(streamId) },
      { type: 'address', value: tokenOf[g.token] },
      { type: 'uint256', value: (g.price * qty).toString() },
    ];
    const SEND = 'sendGift(address,uint256,uint256,uint256,address,uint256)';
    await send(bob, c.vault, SEND, gift(GIFT.ROSE, 3n));
    await send(bob, c.vault, SEND, gift(GIFT.COFFEE, 2n));
    await send(carol, c.vault, SEND, gift(GIFT.STAR, 1n));
    await send(
      carol,
      c.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      gift(GIFT.COFFEE, 1n),
      GIFT.COFFEE.price,
    );
    await send(bob, c.vault, SEND, gift(GIFT.BALLOON, 1n));
  });
  // So the first page load already shows them.
  await caughtUp(p.indexer, devnet);
}

/**
 * Traffic for indexer tests: a scripted sequence that makes the contracts emit every event the
 * indexer handles, and seeded random traffic (reverting transactions included, as on a real chain).
 */
import { buildRewards, parseCsv } from '../../scripts/rewards.js';
import { deploy, RevertError, send, TRX_ADDRESS, type System, type TxResult } from './contracts.js';
import { tre, type Devnet } from './devnet.js';
import { fullNodeClient } from './indexer.js';

export const E18 = 10n ** 18n;
export const SUN = 1_000_000n;
const MAX_UINT = 2n ** 256n - 1n;
const DAY = 86_400;

/** Devnet account indexes by role. */
export const ACTORS = {
  admin: 0,
  alice: 1,
  frank: 2,
  bob: 3,
  carol: 4,
  dave: 5,
  funder: 6,
  treasurer: 7,
  c1: 8,
  c2: 9,
} as const;
export type Actor = keyof typeof ACTORS;
export const VIEWERS: Actor[] = ['bob', 'carol', 'dave'];
export const BROADCASTERS: Actor[] = ['alice', 'frank'];

/** Gift ids of the test catalog. */
export const GIFT = { ROSE: 1n, ROCKET: 2n, CROWN: 3n, LEAKY: 4n, RETIRED: 5n } as const;
export const PRICE = { ROSE: 2n * SUN, ROCKET: 10n * E18, CROWN: 5n * SUN, LEAKY: 1_000n } as const;
/** The catalog prepareActors lists: token and price per gift id. */
const CATALOG: Record<string, { token: keyof Actors['tok']; price: bigint }> = {
  [String(GIFT.ROSE)]: { token: 'TRX', price: PRICE.ROSE },
  [String(GIFT.ROCKET)]: { token: 'BTT', price: PRICE.ROCKET },
  [String(GIFT.CROWN)]: { token: 'USDT', price: PRICE.CROWN },
  [String(GIFT.LEAKY)]: { token: 'FEE', price: PRICE.LEAKY },
  [String(GIFT.RETIRED)]: { token: 'TRX', price: PRICE.ROSE },
};

export interface Actors {
  addr: Record<Actor, string>;
  /** Token addresses: TRX, BTT, USDT and a 1% fee-on-transfer token. */
  tok: { TRX: string; BTT: string; USDT: string; FEE: string };
}

/** Runs a transaction from an actor. */
export function tx(
  devnet: Devnet,
  who: Actor,
  contract: string,
  signature: string,
  args: unknown[] = [],
  callValue?: bigint,
): Promise<TxResult> {
  return send(
    devnet,
    fullNodeClient(devnet, ACTORS[who]),
    contract,
    signature,
    args,
    callValue === undefined ? {} : { callValue },
  );
}

/** Profiles, broadcasters, the catalog (with a fee-on-transfer token), minted and approved tokens. */
export async function prepareActors(devnet: Devnet, sys: System): Promise<Actors> {
  const addr = Object.fromEntries(Object.entries(ACTORS).map(([n, i]) => [n, devnet.accounts[i]!.address])) as Record<
    Actor,
    string
  >;
  const fee = await deploy(fullNodeClient(devnet, 0), 'FeeOnTransferToken');
  const tok = { TRX: TRX_ADDRESS, BTT: sys.btt, USDT: sys.usdt, FEE: fee };
  await tx(devnet, 'admin', sys.vault, 'setTokenAllowed(address,bool)', [fee, true]);
  for (const n of ['alice', 'frank', 'bob', 'carol'] as const)
    await tx(devnet, n, sys.profiles, 'register(string,string)', [n, `ipfs://${n}`]);
  for (const n of BROADCASTERS) await tx(devnet, n, sys.profiles, 'setBroadcaster(bool)', [true]);
  const catalog: [bigint, string, bigint, boolean, string][] = [
    [GIFT.ROSE, tok.TRX, PRICE.ROSE, true, 'rose'],
    [GIFT.ROCKET, tok.BTT, PRICE.ROCKET, true, 'rocket'],
    [GIFT.CROWN, tok.USDT, PRICE.CROWN, true, 'crown'],
    [GIFT.LEAKY, tok.FEE, PRICE.LEAKY, true, 'leaky'],
    [GIFT.RETIRED, tok.TRX, PRICE.ROSE, false, 'retired'],
  ];
  for (const [id, t, price, enabled, uri] of catalog)
    await tx(devnet, 'admin', sys.vault, 'setGift(uint256,address,uint256,bool,string)', [id, t, price, enabled, uri]);
  for (const n of [...VIEWERS, 'funder'] as Actor[]) {
    for (const t of [tok.BTT, tok.USDT, tok.FEE]) {
      await tx(devnet, n, t, 'mint(address,uint256)', [addr[n], t === tok.USDT ? 1_000_000n * SUN : 1_000_000n * E18]);
      await tx(devnet, n, t, 'approve(address,uint256)', [sys.vault, MAX_UINT]);
    }
  }
  return { addr, tok };
}

/** A gift: from the vault balance (`sendGift`) or straight from the wallet (`sendGiftDirect`). */
export function gift(
  devnet: Devnet,
  sys: System,
  a: Actors,
  from: Actor,
  to: Actor,
  giftId: bigint,
  quantity: bigint,
  streamId: bigint,
  direct: boolean,
): Promise<TxResult> {
  // What the app would show: the catalog's token and price (an id it does not list: anything goes).
  const listed = CATALOG[String(giftId)];
  const [token, maxTotal] = listed ? [a.tok[listed.token], listed.price * quantity] : [a.tok.TRX, MAX_UINT];
  const sig = direct
    ? 'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)'
    : 'sendGift(address,uint256,uint256,uint256,address,uint256)';
  return tx(
    devnet,
    from,
    sys.vault,
    sig,
    [a.addr[to], giftId, quantity, streamId, token, maxTotal],
    direct && listed?.token === 'TRX' ? listed.price * quantity : undefined,
  );
}

/**
 * A scripted day in the life of BLive that emits every event the indexer handles: follows,
 * deposits and withdrawals in three tokens, gifts from the vault and from wallets, split changes
 * (immediate and announced), hold periods, a freeze, claims, treasury withdrawal, pool flushes
 * (one through a fee-on-transfer token), direct funding, an epoch with claims and a sweep, pause,
 * and role changes. Returns the transactions by name.
 */
export async function scriptedTraffic(devnet: Devnet, sys: System, a: Actors): Promise<Record<string, TxResult>> {
  const r: Record<string, TxResult> = {};
  const v = (who: Actor, sig: string, args: unknown[] = [], value?: bigint): Promise<TxResult> =>
    tx(devnet, who, sys.vault, sig, args, value);
  const p = (who: Actor, sig: string, args: unknown[] = []): Promise<TxResult> =>
    tx(devnet, who, sys.profiles, sig, args);

  // Profiles and follows (a repeated follow, an unfollow, an unregistered follower).
  r.update = await p('alice', 'updateProfile(string)', ['ipfs://alice-v2']);
  await p('bob', 'follow(address)', [a.addr.alice]);
  await p('bob', 'follow(address)', [a.addr.alice]);
  await p('carol', 'follow(address)', [a.addr.alice]);
  await p('dave', 'follow(address)', [a.addr.alice]);
  await p('bob', 'follow(address)', [a.addr.frank]);
  r.unfollow = await p('carol', 'unfollow(address)', [a.addr.alice]);
  await p('carol', 'unfollow(address)', [a.addr.frank]);

  // Deposits and withdrawals.
  r.depositTRX = await v('bob', 'depositTRX()', [], 100n * SUN);
  r.depositBTT = await v('bob', 'deposit(address,uint256)', [a.tok.BTT, 500n * E18]);
  await v('carol', 'deposit(address,uint256)', [a.tok.USDT, 300n * SUN]);
  await v('carol', 'depositTRX()', [], 50n * SUN);
  await v('dave', 'deposit(address,uint256)', [a.tok.FEE, 100_000n]);
  r.withdraw = await v('bob', 'withdraw(address,uint256)', [a.tok.TRX, 10n * SUN]);

  // Gifts: each token, both ways of paying, with and without a stream.
  r.giftVaultTRX = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 3n, 7n, false);
  r.giftDirectTRX = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 2n, 7n, true);
  r.giftVaultBTT = await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROCKET, 4n, 9n, false);
  r.giftDirectBTT = await gift(devnet, sys, a, 'carol', 'alice', GIFT.ROCKET, 1n, 7n, true);
  await gift(devnet, sys, a, 'carol', 'frank', GIFT.CROWN, 3n, 0n, false);
  await gift(devnet, sys, a, 'dave', 'alice', GIFT.CROWN, 1n, 0n, true);
  await gift(devnet, sys, a, 'dave', 'frank', GIFT.LEAKY, 37n, 9n, false);

  // Splits: raise the default (at once), lower it again (announced); an override raised at once,
  // lowered (announced), cleared (announced, the default pays less); later another override set
  // and cleared at once (it pays what the default pays).
  r.splitDefaultUp = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3500, 1000, 5500]]);
  r.splitDefaultDown = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
  r.splitOverride = await v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [
    a.addr.frank,
    [5000, 1000, 4000],
  ]);
  await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROSE, 5n, 9n, false);
  r.splitOverrideDown = await v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [
    a.addr.frank,
    [4000, 1500, 4500],
  ]);
  r.splitAlice = await v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [
    a.addr.alice,
    [3500, 500, 6000],
  ]);
  r.clearAnnounced = await v('admin', 'clearBroadcasterSplit(address)', [a.addr.frank]);

  // A freeze and its early end; the hold period changed to zero and back.
  r.freeze = await v('admin', 'freezeClaims(address,uint256,string)', [a.addr.alice, DAY, 'dispute #1']);
  r.unfreeze = await v('admin', 'unfreezeClaims(address)', [a.addr.alice]);
  r.holdZero = await v('admin', 'setHoldPeriod(uint256)', [0]);
  await gift(devnet, sys, a, 'carol', 'alice', GIFT.ROSE, 1n, 0n, false);
  await v('admin', 'setHoldPeriod(uint256)', [3 * DAY]);
  await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 7n, false);

  // Time passes: announced splits apply, escrow releases; claims.
  await tre(devnet, 'tre_increaseTime', [8 * DAY]);
  await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROSE, 1n, 11n, false);
  await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 11n, false);
  await v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [a.addr.dave, [3000, 1000, 6000]]);
  r.clearNow = await v('admin', 'clearBroadcasterSplit(address)', [a.addr.dave]);
  r.claimTRX = await v('alice', 'claim(address)', [a.tok.TRX]);
  await v('frank', 'claim(address)', [a.tok.BTT]);
  await v('frank', 'withdraw(address,uint256)', [a.tok.BTT, 1n]);

  // Treasury, pool flushes (TRX, BTT, the fee token), direct funding.
  r.treasury = await v('admin', 'withdrawTreasury(address,address,uint256)', [a.tok.TRX, a.addr.treasurer, 1n * SUN]);
  r.flushTRX = await v('carol', 'flushPool(address)', [a.tok.TRX]);
  await v('carol', 'flushPool(address)', [a.tok.BTT]);
  r.flushFee = await v('carol', 'flushPool(address)', [a.tok.FEE]);
  r.fundTRX = await tx(devnet, 'funder', sys.rewardPool, 'fundTRX()', [], 40n * SUN);

  // A reward epoch: published, two of three claims made, swept after its deadline.
  const head = await fullNodeClient(devnet, 0).trx.getCurrentBlock();
  const now = BigInt(Math.floor(Number(head.block_header.raw_data.timestamp) / 1000));
  const csv = [
    'account,amount,category',
    `${a.addr.c1},${3n * SUN},maintenance`,
    `${a.addr.c2},${2n * SUN},content`,
    `${a.addr.bob},7,events`,
  ].join('\n');
  const epoch = buildRewards(parseCsv(csv), { chainId: devnet.chain.chainId, pool: sys.rewardPool, epochId: 1n });
  r.publish = await tx(devnet, 'admin', sys.rewardPool, 'publishEpoch(uint256,address,bytes32,uint256,uint64,string)', [
    1n,
    a.tok.TRX,
    epoch.root,
    BigInt(epoch.total),
    now + BigInt(2 * DAY),
    'ipfs://epoch-1',
  ]);
  for (const c of epoch.claims.slice(0, 2)) {
    r[`rewardClaim${c.index}`] = await tx(
      devnet,
      'c1',
      sys.rewardPool,
      'claim(uint256,uint256,address,uint256,uint8,bytes32[])',
      [1n, c.index, c.account, BigInt(c.amount), c.category, c.proof],
    );
  }
  // A second epoch, published with a wrong tree and cancelled before anyone claimed.
  r.publishWrong = await tx(
    devnet,
    'admin',
    sys.rewardPool,
    'publishEpoch(uint256,address,bytes32,uint256,uint64,string)',
    [2n, a.tok.TRX, `0x${'ab'.repeat(32)}`, 5n, now + BigInt(30 * DAY), 'ipfs://epoch-2'],
  );
  r.cancel = await tx(devnet, 'admin', sys.rewardPool, 'cancelEpoch(uint256)', [2n]);
  await tre(devnet, 'tre_increaseTime', [3 * DAY]);
  r.sweep = await tx(devnet, 'dave', sys.rewardPool, 'sweep(uint256)', [1n]);

  // Tokens sent to the vault and the pool by mistake, recovered by the treasury and the admin.
  await tx(devnet, 'bob', a.tok.BTT, 'transfer(address,uint256)', [sys.vault, 3n * E18]);
  r.recoverVault = await v('admin', 'recoverSurplus(address,address,uint256)', [a.tok.BTT, a.addr.bob, 3n * E18]);
  await tx(devnet, 'bob', a.tok.USDT, 'transfer(address,uint256)', [sys.rewardPool, 2n * SUN]);
  r.recoverPool = await tx(devnet, 'admin', sys.rewardPool, 'recoverSurplus(address,address,uint256)', [
    a.tok.USDT,
    a.addr.bob,
    2n * SUN,
  ]);

  // Pause and roles.
  r.pause = await v('admin', 'pause()');
  r.unpause = await v('admin', 'unpause()');
  const CATALOG_ROLE = `0x${Buffer.from(await roleHash('CATALOG_ROLE')).toString('hex')}`;
  r.grant = await v('admin', 'grantRole(bytes32,address)', [CATALOG_ROLE, a.addr.carol]);
  r.revoke = await v('admin', 'revokeRole(bytes32,address)', [CATALOG_ROLE, a.addr.carol]);
  const REWARDS_ROLE = `0x${Buffer.from(await roleHash('REWARDS_ROLE')).toString('hex')}`;
  await tx(devnet, 'admin', sys.rewardPool, 'grantRole(bytes32,address)', [REWARDS_ROLE, a.addr.carol]);
  await tx(devnet, 'admin', sys.rewardPool, 'revokeRole(bytes32,address)', [REWARDS_ROLE, a.addr.carol]);
  await v('admin', 'setTokenAllowed(address,bool)', [a.tok.FEE, false]);
  await v('admin', 'setGift(uint256,address,uint256,bool,string)', [GIFT.ROSE, a.tok.TRX, PRICE.ROSE, true, 'rose v2']);
  return r;
}

async function roleHash(name: string): Promise<Uint8Array> {
  const { keccak_256 } = await import('@noble/hashes/sha3.js');
  return keccak_256(Buffer.from(name));
}

/** A small seeded PRNG (mulberry32) so random traffic can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `steps` random operations by random actors: deposits, withdrawals, gifts both ways, follows,
 * claims, flushes, time jumps. Operations the contracts refuse revert on chain and are counted.
 */
export async function randomTraffic(
  devnet: Devnet,
  sys: System,
  a: Actors,
  seed: number,
  steps: number,
): Promise<{ ok: number; reverted: number }> {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const tokens = [a.tok.TRX, a.tok.BTT, a.tok.USDT];
  const amountOf = (t: string): bigint =>
    t === a.tok.BTT ? BigInt(1 + Math.floor(rand() * 50)) * E18 : BigInt(1 + Math.floor(rand() * 20)) * SUN;
  let ok = 0;
  let reverted = 0;
  for (let i = 0; i < steps; i++) {
    const viewer = pick(VIEWERS);
    const b = pick(BROADCASTERS);
    const roll = rand();
    try {
      if (roll < 0.2) {
        const t = pick(tokens);
        if (t === a.tok.TRX) await tx(devnet, viewer, sys.vault, 'depositTRX()', [], amountOf(t));
        else await tx(devnet, viewer, sys.vault, 'deposit(address,uint256)', [t, amountOf(t)]);
      } else if (roll < 0.3) {
        const t = pick(tokens);
        await tx(devnet, viewer, sys.vault, 'withdraw(address,uint256)', [t, amountOf(t) / 4n]);
      } else if (roll < 0.7) {
        const g = pick([GIFT.ROSE, GIFT.ROCKET, GIFT.CROWN]);
        await gift(
          devnet,
          sys,
          a,
          viewer,
          b,
          g,
          BigInt(1 + Math.floor(rand() * 3)),
          BigInt(Math.floor(rand() * 4)),
          rand() < 0.4,
        );
      } else if (roll < 0.77) {
        await tx(devnet, viewer, sys.profiles, rand() < 0.7 ? 'follow(address)' : 'unfollow(address)', [a.addr[b]]);
      } else if (roll < 0.85) {
        await tx(devnet, b, sys.vault, 'claim(address)', [pick(tokens)]);
      } else if (roll < 0.9) {
        await tx(devnet, b, sys.vault, 'withdraw(address,uint256)', [pick(tokens), 1n]);
      } else if (roll < 0.95) {
        await tx(devnet, viewer, sys.vault, 'flushPool(address)', [pick(tokens)]);
      } else {
        await tre(devnet, 'tre_increaseTime', [Math.floor(rand() * 2 * DAY)]);
        await tre(devnet, 'tre_mine');
      }
      ok++;
    } catch (e) {
      if (!(e instanceof RevertError)) throw e;
      reverted++;
    }
  }
  return { ok, reverted };
}

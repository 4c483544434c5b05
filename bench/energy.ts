/**
 * `npm run bench:energy`: deploys BLive on an in-process devnet and prints the energy each user
 * operation uses. "first" is the first time a storage slot is written (20000-energy SSTOREs);
 * "steady" is the same operation once its slots exist, which is what users pay day to day.
 * The reward claim uses a proof from a 100,000-leaf tree, as Uniswap's distributor figure does.
 */
import http from 'node:http';
import { createDevnet } from '../devnet/index.js';
import { deploySystem, send, TRX_ADDRESS } from '../test/helpers/contracts.js';
import { rewardTree } from '../scripts/rewards.js';

const LEAVES = Number(process.env.BENCH_LEAVES ?? 100_000);
const BTT = 10n ** 18n;

const dn = await createDevnet({ port: 0, blockTime: 0, solidityLag: 0, accounts: 6 });
const rows: [string, string, number | string][] = [];
/** The head block's time in seconds (the chain clock runs ahead of the wall clock after tre_increaseTime). */
const chainSeconds = async (): Promise<number> => {
  const res = await fetch(`${dn.url}/wallet/getnowblock`, { method: 'POST' });
  const block = (await res.json()) as { block_header: { raw_data: { timestamp: number } } };
  return Math.floor(block.block_header.raw_data.timestamp / 1000);
};
const measure = (op: string, r: { energy: number }, note = ''): void => {
  rows.push([op, note, r.energy]);
};
try {
  const sys = await deploySystem(dn);
  // The pool's address and the chain id are in every leaf, so the tree is built once the pool is
  // deployed. Building it blocks the event loop for seconds, and an idle keep-alive socket of the
  // in-process client would time out under it and fail the next request: drop the idle sockets
  // first (TronWeb's axios uses the global agent), the next requests open fresh ones.
  http.globalAgent.destroy();
  const t0 = performance.now();
  const accounts = dn.accounts.map((a) => a.hex);
  const leaves = Array.from({ length: LEAVES }, (_, i) => ({
    account: accounts[i % accounts.length]!,
    amount: BigInt(1 + (i % 1000)),
    category: i % 4,
  }));
  const tree = rewardTree(leaves, { chainId: dn.chain.chainId, pool: sys.rewardPool, epochId: 1n });
  const total = leaves.reduce((s, l) => s + l.amount, 0n);
  const last = leaves[LEAVES - 1]!;
  const c = {
    index: LEAVES - 1,
    account: dn.accounts[(LEAVES - 1) % accounts.length]!.address,
    amount: last.amount,
    category: last.category,
    proof: tree.getProof(LEAVES - 1),
  };
  const treeSecs = ((performance.now() - t0) / 1000).toFixed(1);
  const [admin, broadcaster, viewer, viewer2] = [0, 1, 2, 3];
  const b = dn.accounts[broadcaster]!.address;

  measure(
    'register',
    await send(dn, broadcaster, sys.profiles, 'register(string,string)', ['streamer_one', 'ipfs://bafy-profile']),
  );
  await send(dn, broadcaster, sys.profiles, 'setBroadcaster(bool)', [true]);
  await send(dn, viewer, sys.profiles, 'register(string,string)', ['viewer_two', '']);
  measure('follow', await send(dn, viewer, sys.profiles, 'follow(address)', [b]));

  await send(dn, admin, sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
    1,
    sys.btt,
    10n * BTT,
    true,
    'rose',
  ]);
  await send(dn, admin, sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
    2,
    TRX_ADDRESS,
    10_000_000,
    true,
    'coffee',
  ]);
  for (const v of [viewer, viewer2]) {
    await send(dn, v, sys.btt, 'mint(address,uint256)', [dn.accounts[v]!.address, 1_000_000n * BTT]);
    await send(dn, v, sys.btt, 'approve(address,uint256)', [sys.vault, 1_000_000n * BTT]);
  }

  measure('depositTRX', await send(dn, viewer, sys.vault, 'depositTRX()', [], { callValue: 500_000_000 }), 'first');
  measure('depositTRX', await send(dn, viewer, sys.vault, 'depositTRX()', [], { callValue: 500_000_000 }), 'steady');
  measure(
    'deposit (BTT)',
    await send(dn, viewer, sys.vault, 'deposit(address,uint256)', [sys.btt, 1000n * BTT]),
    'first',
  );
  measure(
    'deposit (BTT)',
    await send(dn, viewer, sys.vault, 'deposit(address,uint256)', [sys.btt, 1000n * BTT]),
    'steady',
  );

  measure(
    'sendGift (BTT)',
    await send(dn, viewer, sys.vault, 'sendGift(address,uint256,uint256,uint256,address,uint256)', [
      b,
      1,
      1,
      42,
      sys.btt,
      10n * BTT,
    ]),
    'first',
  );
  measure(
    'sendGift (BTT)',
    await send(dn, viewer, sys.vault, 'sendGift(address,uint256,uint256,uint256,address,uint256)', [
      b,
      1,
      1,
      42,
      sys.btt,
      10n * BTT,
    ]),
    'steady',
  );
  measure(
    'sendGiftDirect (TRX)',
    await send(
      dn,
      viewer2,
      sys.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      [b, 2, 1, 42, TRX_ADDRESS, 10_000_000],
      { callValue: 10_000_000 },
    ),
    'first',
  );
  measure(
    'sendGiftDirect (TRX)',
    await send(
      dn,
      viewer2,
      sys.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      [b, 2, 1, 42, TRX_ADDRESS, 10_000_000],
      { callValue: 10_000_000 },
    ),
    'steady',
  );
  measure(
    'sendGiftDirect (BTT)',
    await send(dn, viewer2, sys.vault, 'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)', [
      b,
      1,
      1,
      42,
      sys.btt,
      10n * BTT,
    ]),
    'steady',
  );

  await fetch(`${dn.url}/tre`, {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tre_increaseTime', params: [2 * 86_400] }),
  });
  measure('claim (BTT)', await send(dn, broadcaster, sys.vault, 'claim(address)', [sys.btt]));
  measure(
    'withdraw (BTT)',
    await send(dn, broadcaster, sys.vault, 'withdraw(address,uint256)', [sys.btt, 1n * BTT]),
    'first',
  );
  measure('withdraw (TRX)', await send(dn, viewer, sys.vault, 'withdraw(address,uint256)', [TRX_ADDRESS, 1_000_000]));

  // A reward epoch of LEAVES leaves; the claim proves one of them.
  await send(dn, admin, sys.btt, 'mint(address,uint256)', [dn.accounts[admin]!.address, 1_000_000n * BTT]);
  await send(dn, admin, sys.btt, 'approve(address,uint256)', [sys.rewardPool, 1_000_000n * BTT]);
  await send(dn, admin, sys.rewardPool, 'fund(address,uint256)', [sys.btt, 1_000_000n * BTT]);
  await send(dn, admin, sys.rewardPool, 'publishEpoch(uint256,address,bytes32,uint256,uint64,string)', [
    1,
    sys.btt,
    tree.root,
    total,
    (await chainSeconds()) + 30 * 86_400,
    'ipfs://epoch-1',
  ]);
  measure(
    'reward claim (BTT)',
    await send(dn, viewer, sys.rewardPool, 'claim(uint256,uint256,address,uint256,uint8,bytes32[])', [
      1,
      c.index,
      c.account,
      c.amount,
      c.category,
      c.proof,
    ]),
    `${LEAVES} leaves, ${c.proof.length}-hash proof`,
  );

  console.log(`energy per operation on the devnet (TVM-like prices; see README), tree built in ${treeSecs}s`);
  console.log('| operation | case | energy |');
  console.log('|---|---|---|');
  for (const [op, note, energy] of rows) console.log(`| ${op} | ${note} | ${energy} |`);
} finally {
  await dn.close();
}

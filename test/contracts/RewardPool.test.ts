/**
 * RewardPool on the devnet: funding in TRX and TRC-20 (including a fee-on-transfer token and a
 * USDT-like token whose transfer returns false), publishing merkle epochs within the claim-window
 * bounds, claiming with proofs from the real builder in scripts/rewards.ts (leaves bound to the
 * chain id and the pool), refused recipients, expiry, sweeping, cancelling and recovering a
 * surplus. After every test the pool's balance of each token must cover its liabilities.
 *
 * The devnet's wall clock is frozen at CLOCK_MS, so a block's time is max(CLOCK_MS + the time
 * added with tre_increaseTime, the previous block's + 1 ms): the next block's second is known,
 * and the claim-window bounds are tested to the second.
 */
import { strict as assert } from 'node:assert';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import {
  buildRewards,
  CATEGORIES,
  leafHash,
  parseCsv,
  rewardTree,
  type EpochScope,
  type RewardClaim,
  type RewardsFile,
} from '../../scripts/rewards.js';
import {
  call,
  DAY,
  deploy,
  deploySystem,
  eventOf,
  expectRevert,
  send,
  trxBalance,
  TRX_ADDRESS,
  type System,
  type TxResult,
} from '../helpers/contracts.js';
import { artifact, startDevnet, tre, tronWebFor, type Devnet } from '../helpers/devnet.js';

const REWARDS_ROLE = tronUtils.ethersUtils.keccak256(tronUtils.ethersUtils.toUtf8Bytes('REWARDS_ROLE'));
const DEFAULT_ADMIN_ROLE = `0x${'00'.repeat(32)}`;
const ZERO_ROOT = `0x${'00'.repeat(32)}`;
const CLAIM = 'claim(uint256,uint256,address,uint256,uint8,bytes32[])';
const PUBLISH = 'publishEpoch(uint256,address,bytes32,uint256,uint64,string)';
const RECOVER = 'recoverSurplus(address,address,uint256)';
const CLOCK_MS = Date.UTC(2030, 0, 1);
const YEAR = 365 * DAY;
const BTT = 10n ** 18n;
const TRX = 1_000_000n;

const ADMIN = 0;
const FUNDER = 3;
const OUTSIDER = 8;
const RELAYER = 9;

describe('RewardPool', function () {
  let devnet: Devnet;
  let sys: System;
  let pool: string;
  /** The chain id as an operator learns it: the last 4 bytes of block 0's id. */
  let chainId: bigint;
  let fee: string;
  let reentrant: string;
  let snapshot: string;
  /** Contributors: devnet accounts 4 to 7, who never send a transaction in these tests. */
  let contributors: string[];
  let funder: string;
  let outsider: string;
  let relayer: string;

  before(async function () {
    devnet = await startDevnet({ chain: { clock: () => CLOCK_MS } });
    sys = await deploySystem(devnet);
    pool = sys.rewardPool;
    const genesis = await tronWebFor(devnet, ADMIN).trx.getBlockByNumber(0);
    chainId = BigInt(`0x${genesis.blockID.slice(-8)}`);
    fee = await deploy(tronWebFor(devnet, ADMIN), 'FeeOnTransferToken');
    reentrant = await deploy(tronWebFor(devnet, ADMIN), 'ReentrantToken');
    contributors = [4, 5, 6, 7].map((i) => devnet.accounts[i]!.address);
    funder = devnet.accounts[FUNDER]!.address;
    outsider = devnet.accounts[OUTSIDER]!.address;
    relayer = devnet.accounts[RELAYER]!.address;
  });

  after(async function () {
    await devnet?.close();
  });

  beforeEach(async function () {
    snapshot = await tre<string>(devnet, 'tre_snapshot');
  });

  afterEach(async function () {
    // The pool's invariant: whatever happened, its real balance covers what it owes.
    for (const token of [TRX_ADDRESS, sys.btt, sys.usdt, fee, reentrant]) {
      const [balance, liabilities] = await Promise.all([poolBalance(token), totalLiabilities(token)]);
      assert.ok(balance >= liabilities, `pool holds ${balance} of ${token} but owes ${liabilities}`);
    }
    await tre(devnet, 'tre_revert', [snapshot]);
  });

  // --- reads -------------------------------------------------------------------------------------

  const balanceOf = (token: string, account: string): Promise<bigint> =>
    call(devnet, token, 'balanceOf(address)', [account]);
  const unallocated = (token: string): Promise<bigint> => call(devnet, pool, 'unallocated(address)', [token]);
  const totalLiabilities = (token: string): Promise<bigint> => call(devnet, pool, 'totalLiabilities(address)', [token]);
  const isClaimed = (epochId: bigint, index: number): Promise<boolean> =>
    call(devnet, pool, 'isClaimed(uint256,uint256)', [epochId, index], ['bool']);
  const poolBalance = (token: string): Promise<bigint> =>
    token === TRX_ADDRESS ? trxBalance(devnet, pool) : balanceOf(token, pool);

  interface EpochInfo {
    token: string;
    merkleRoot: string;
    total: bigint;
    claimed: bigint;
    claimDeadline: bigint;
    swept: boolean;
    cancelled: boolean;
  }
  async function epochInfo(epochId: bigint): Promise<EpochInfo> {
    const [token, merkleRoot, total, claimed, claimDeadline, swept, cancelled] = await call(
      devnet,
      pool,
      'epochInfo(uint256)',
      [epochId],
      ['address', 'bytes32', 'uint256', 'uint256', 'uint64', 'bool', 'bool'],
    );
    return { token, merkleRoot, total, claimed, claimDeadline, swept, cancelled };
  }
  const surplusOf = (token: string): Promise<bigint> => call(devnet, pool, 'surplusOf(address)', [token]);

  /** The time in seconds of the block the next transaction lands in (see CLOCK_MS). */
  async function nextBlockTime(): Promise<bigint> {
    const { offsetSeconds } = await tre<{ offsetSeconds: number }>(devnet, 'tre_increaseTime', [0]);
    const head = await tronWebFor(devnet, ADMIN).trx.getCurrentBlock();
    return BigInt(
      Math.floor(Math.max(CLOCK_MS + offsetSeconds * 1000, Number(head.block_header.raw_data.timestamp) + 1) / 1000),
    );
  }

  // --- writes ------------------------------------------------------------------------------------

  /** Mints `amount` of a mock token to devnet account `from`, approves the pool and funds it. */
  async function fundToken(from: number, token: string, amount: bigint): Promise<TxResult> {
    const account = devnet.accounts[from]!.address;
    await send(devnet, from, token, 'mint(address,uint256)', [account, amount]);
    await send(devnet, from, token, 'approve(address,uint256)', [pool, amount]);
    return send(devnet, from, pool, 'fund(address,uint256)', [token, amount]);
  }

  const fundTRX = (from: number, amount: bigint): Promise<TxResult> =>
    send(devnet, from, pool, 'fundTRX()', [], { callValue: amount });

  function publish(
    epochId: bigint,
    token: string,
    root: string,
    total: bigint,
    deadline: bigint,
    uri = `ipfs://epoch-${epochId}`,
    from = ADMIN,
  ): Promise<TxResult> {
    return send(devnet, from, pool, PUBLISH, [epochId, token, root, total, deadline, uri]);
  }

  function claim(
    from: number,
    epochId: bigint,
    c: Pick<RewardClaim, 'index' | 'account' | 'amount' | 'category' | 'proof'>,
  ): Promise<TxResult> {
    return send(devnet, from, pool, CLAIM, [epochId, c.index, c.account, c.amount, c.category, c.proof]);
  }

  const scopeOf = (epochId: bigint): EpochScope => ({ chainId, pool, epochId });

  /** Builds an epoch's proofs file for this pool with the real builder from `account,amount,category` rows. */
  function build(epochId: bigint, rows: [string, bigint, string][], scope = scopeOf(epochId)): RewardsFile {
    const csv = ['account,amount,category', ...rows.map(([a, amount, cat]) => `${a},${amount},${cat}`)].join('\n');
    return buildRewards(parseCsv(csv), scope);
  }

  /**
   * An epoch's tree built from rows the builder refuses (a zero amount, the zero address or the
   * pool as the account), with the builder's own leaf and tree: what a careless operator could publish.
   */
  function buildUnchecked(epochId: bigint, rows: [string, bigint, number][]): RewardsFile {
    const tree = rewardTree(
      rows.map(([a, amount, category]) => ({
        account: (TronWeb.address.toHex(a) as string).toLowerCase(),
        amount,
        category,
      })),
      scopeOf(epochId),
    );
    return {
      format: 'blive-rewards-v2',
      chainId: chainId.toString(),
      pool,
      epochId: epochId.toString(),
      root: tree.root,
      total: rows.reduce((s, [, amount]) => s + amount, 0n).toString(),
      leafEncoding: '',
      claims: rows.map(([account, amount, category], index) => ({
        index,
        account,
        amount: amount.toString(),
        category,
        categoryName: CATEGORIES[category]!,
        proof: tree.getProof(index),
      })),
    };
  }

  /** Funds the pool with exactly the epoch total and publishes it with a deadline a week away. */
  async function fundAndPublish(token: string, file: RewardsFile): Promise<{ deadline: bigint; total: bigint }> {
    const total = BigInt(file.total);
    if (token === TRX_ADDRESS) await fundTRX(ADMIN, total);
    else await fundToken(ADMIN, token, total);
    const deadline = (await nextBlockTime()) + BigInt(7 * DAY);
    await publish(BigInt(file.epochId), token, file.root, total, deadline);
    return { deadline, total };
  }

  /** A three-claim BTT epoch for contributors 0, 1 and 2 (for this pool unless `scope` says otherwise). */
  function bttEpoch(epochId = 1n, scope = scopeOf(epochId)): RewardsFile {
    return build(
      epochId,
      [
        [contributors[0]!, 120n * BTT, 'maintenance'],
        [contributors[1]!, 45n * BTT + 7n, 'content'],
        [contributors[2]!, 1n, 'events'],
      ],
      scope,
    );
  }

  const cancel = (epochId: bigint, from = ADMIN): Promise<TxResult> =>
    send(devnet, from, pool, 'cancelEpoch(uint256)', [epochId]);
  const recover = (token: string, to: string, amount: bigint, from = ADMIN): Promise<TxResult> =>
    send(devnet, from, pool, RECOVER, [token, to, amount]);

  /** A four-claim TRX epoch; contributor 0 appears twice, in different categories. */
  function trxEpoch(epochId = 2n): RewardsFile {
    return build(epochId, [
      [contributors[0]!, 250n * TRX, 'other'],
      [contributors[1]!, 3n * TRX + 1n, 'events'],
      [contributors[2]!, 10n * TRX, '1'],
      [contributors[0]!, 99n * TRX, 'maintenance'],
    ]);
  }

  // --- tests -------------------------------------------------------------------------------------

  describe('when the pool is funded', function () {
    it('credits a TRC-20 deposit, emits Funded and moves the tokens', async function () {
      const amount = 1_000n * BTT;
      await send(devnet, FUNDER, sys.btt, 'mint(address,uint256)', [funder, amount]);
      await send(devnet, FUNDER, sys.btt, 'approve(address,uint256)', [pool, amount]);

      const r = await send(devnet, FUNDER, pool, 'fund(address,uint256)', [sys.btt, amount]);

      assert.deepEqual(eventOf(r, 'Funded'), { funder, token: sys.btt, amount });
      assert.equal(await balanceOf(sys.btt, funder), 0n);
      assert.equal(await balanceOf(sys.btt, pool), amount);
      assert.equal(await unallocated(sys.btt), amount);
      assert.equal(await totalLiabilities(sys.btt), amount);
      assert.equal(await unallocated(TRX_ADDRESS), 0n, 'other tokens are untouched');
    });

    it('adds up successive deposits', async function () {
      await fundToken(FUNDER, sys.btt, 10n * BTT);
      const r = await fundToken(ADMIN, sys.btt, 5n * BTT);
      assert.deepEqual(eventOf(r, 'Funded'), { funder: sys.admin, token: sys.btt, amount: 5n * BTT });
      assert.equal(await unallocated(sys.btt), 15n * BTT);
      assert.equal(await totalLiabilities(sys.btt), 15n * BTT);
      assert.equal(await balanceOf(sys.btt, pool), 15n * BTT);
    });

    it('credits a TRX deposit, emits Funded and moves the TRX', async function () {
      const amount = 500n * TRX;
      const before = await trxBalance(devnet, funder);

      const r = await fundTRX(FUNDER, amount);

      assert.deepEqual(eventOf(r, 'Funded'), { funder, token: TRX_ADDRESS, amount });
      assert.equal(await trxBalance(devnet, funder), before - amount - BigInt(r.fee));
      assert.equal(await trxBalance(devnet, pool), amount);
      assert.equal(await unallocated(TRX_ADDRESS), amount);
      assert.equal(await totalLiabilities(TRX_ADDRESS), amount);
    });

    it('credits only what arrived from a fee-on-transfer token', async function () {
      const sent = 10_000n;
      const r = await fundToken(FUNDER, fee, sent);

      // The token burns 1% of every transfer: 9,900 arrive.
      assert.deepEqual(eventOf(r, 'Funded'), { funder, token: fee, amount: 9_900n });
      assert.equal(await balanceOf(fee, funder), 0n, 'the funder is debited the full amount');
      assert.equal(await balanceOf(fee, pool), 9_900n);
      assert.equal(await unallocated(fee), 9_900n);
      assert.equal(await totalLiabilities(fee), 9_900n);
    });

    it('credits a USDT-like token (its transferFrom succeeds)', async function () {
      const r = await fundToken(FUNDER, sys.usdt, 2_500_000n);
      assert.deepEqual(eventOf(r, 'Funded'), { funder, token: sys.usdt, amount: 2_500_000n });
      assert.equal(await balanceOf(sys.usdt, pool), 2_500_000n);
      assert.equal(await unallocated(sys.usdt), 2_500_000n);
    });

    it('reverts with ZeroAmount when funding a token with zero', async function () {
      await expectRevert(send(devnet, FUNDER, pool, 'fund(address,uint256)', [sys.btt, 0]), 'ZeroAmount', []);
    });

    it('reverts with ZeroAmount when fund is given the TRX address', async function () {
      await expectRevert(send(devnet, FUNDER, pool, 'fund(address,uint256)', [TRX_ADDRESS, 1]), 'ZeroAmount', []);
      assert.equal(await unallocated(TRX_ADDRESS), 0n);
    });

    it('reverts with ZeroAmount when fundTRX carries no TRX', async function () {
      await expectRevert(fundTRX(FUNDER, 0n), 'ZeroAmount', []);
    });

    it('reverts with TRC20InsufficientAllowance when the pool was not approved', async function () {
      await send(devnet, FUNDER, sys.btt, 'mint(address,uint256)', [funder, 7n]);
      await expectRevert(
        send(devnet, FUNDER, pool, 'fund(address,uint256)', [sys.btt, 7n]),
        'TRC20InsufficientAllowance',
        [pool, 0n, 7n],
      );
      assert.equal(await balanceOf(sys.btt, funder), 7n);
      assert.equal(await unallocated(sys.btt), 0n);
    });
  });

  describe('when an epoch is published', function () {
    const root = `0x${'ab'.repeat(32)}`;

    beforeEach(async function () {
      await fundToken(ADMIN, sys.btt, 100n * BTT);
      await fundTRX(ADMIN, 50n * TRX);
    });

    it('emits EpochPublished and moves the total from unallocated to outstanding', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      const r = await publish(7n, sys.btt, root, 60n * BTT, deadline, 'ipfs://bafyepoch7');

      assert.deepEqual(eventOf(r, 'EpochPublished'), {
        epochId: 7n,
        token: sys.btt,
        merkleRoot: root,
        total: 60n * BTT,
        claimDeadline: deadline,
        uri: 'ipfs://bafyepoch7',
      });
      assert.equal(await unallocated(sys.btt), 40n * BTT);
      assert.equal(await totalLiabilities(sys.btt), 100n * BTT, 'publishing only earmarks funds');
      assert.equal(await balanceOf(sys.btt, pool), 100n * BTT);
      assert.deepEqual(await epochInfo(7n), {
        token: sys.btt,
        merkleRoot: root,
        total: 60n * BTT,
        claimed: 0n,
        claimDeadline: deadline,
        swept: false,
        cancelled: false,
      });
      assert.equal(await unallocated(TRX_ADDRESS), 50n * TRX, 'other tokens are untouched');
    });

    it('publishes a TRX epoch that uses every unallocated sun', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      const r = await publish(8n, TRX_ADDRESS, root, 50n * TRX, deadline, '');
      assert.deepEqual(eventOf(r, 'EpochPublished'), {
        epochId: 8n,
        token: TRX_ADDRESS,
        merkleRoot: root,
        total: 50n * TRX,
        claimDeadline: deadline,
        uri: '',
      });
      assert.equal(await unallocated(TRX_ADDRESS), 0n);
      assert.equal(await totalLiabilities(TRX_ADDRESS), 50n * TRX);
    });

    it('lets an account granted the rewards role publish', async function () {
      const grant = await send(devnet, ADMIN, pool, 'grantRole(bytes32,address)', [REWARDS_ROLE, outsider]);
      assert.deepEqual(eventOf(grant, 'RoleGranted'), { role: REWARDS_ROLE, account: outsider, sender: sys.admin });
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      const r = await publish(9n, sys.btt, root, 1n, deadline, 'u', OUTSIDER);
      assert.deepEqual(eventOf(r, 'EpochPublished'), {
        epochId: 9n,
        token: sys.btt,
        merkleRoot: root,
        total: 1n,
        claimDeadline: deadline,
        uri: 'u',
      });
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the rewards role', async function () {
      assert.equal(await call(devnet, pool, 'REWARDS_ROLE()', [], ['bytes32']), REWARDS_ROLE);
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 1n, deadline, '', OUTSIDER), 'AccessControlUnauthorizedAccount', [
        outsider,
        REWARDS_ROLE,
      ]);
      assert.equal(await unallocated(sys.btt), 100n * BTT);
      await expectRevert(epochInfo(1n), 'UnknownEpoch', [1n]);
    });

    it('reverts with EpochExists when the id is taken', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await publish(1n, sys.btt, root, 10n * BTT, deadline);
      await expectRevert(publish(1n, TRX_ADDRESS, `0x${'cd'.repeat(32)}`, 1n, deadline), 'EpochExists', [1n]);
      assert.equal(await unallocated(sys.btt), 90n * BTT);
      assert.equal(await unallocated(TRX_ADDRESS), 50n * TRX);
      assert.equal((await epochInfo(1n)).merkleRoot, root);
    });

    it('reverts with InvalidRoot when the root is zero', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, ZERO_ROOT, 1n, deadline), 'InvalidRoot', []);
    });

    it('reverts with ZeroAmount when the total is zero', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 0n, deadline), 'ZeroAmount', []);
    });

    it('reverts with InvalidDeadline when the deadline is now or in the past', async function () {
      const t = await nextBlockTime();
      await expectRevert(publish(1n, sys.btt, root, 1n, t), 'InvalidDeadline', [t, t + BigInt(DAY), t + BigInt(YEAR)]);
      const t2 = await nextBlockTime();
      await expectRevert(publish(1n, sys.btt, root, 1n, 0n), 'InvalidDeadline', [
        0n,
        t2 + BigInt(DAY),
        t2 + BigInt(YEAR),
      ]);
      assert.equal(await unallocated(sys.btt), 100n * BTT);
      await expectRevert(epochInfo(1n), 'UnknownEpoch', [1n]);
    });

    describe('at the bounds of the claim window', function () {
      it('exposes the window: MIN_CLAIM_WINDOW is a day, MAX_CLAIM_WINDOW 365 days', async function () {
        assert.equal(await call(devnet, pool, 'MIN_CLAIM_WINDOW()', []), BigInt(DAY));
        assert.equal(await call(devnet, pool, 'MAX_CLAIM_WINDOW()', []), BigInt(YEAR));
      });

      it('reverts with InvalidDeadline one second short of a day', async function () {
        const t = await nextBlockTime();
        const deadline = t + BigInt(DAY) - 1n;
        await expectRevert(publish(1n, sys.btt, root, 1n, deadline), 'InvalidDeadline', [
          deadline,
          t + BigInt(DAY),
          t + BigInt(YEAR),
        ]);
        assert.equal(await unallocated(sys.btt), 100n * BTT);
        await expectRevert(epochInfo(1n), 'UnknownEpoch', [1n]);
      });

      it('publishes a deadline exactly a day away', async function () {
        const t = await nextBlockTime();
        const r = await publish(1n, sys.btt, root, 1n, t + BigInt(DAY));
        assert.equal(BigInt(Math.floor(r.info.blockTimeStamp / 1000)), t, 'the block is in the predicted second');
        assert.deepEqual(eventOf(r, 'EpochPublished'), {
          epochId: 1n,
          token: sys.btt,
          merkleRoot: root,
          total: 1n,
          claimDeadline: t + BigInt(DAY),
          uri: 'ipfs://epoch-1',
        });
        assert.deepEqual(await epochInfo(1n), {
          token: sys.btt,
          merkleRoot: root,
          total: 1n,
          claimed: 0n,
          claimDeadline: t + BigInt(DAY),
          swept: false,
          cancelled: false,
        });
        assert.equal(await unallocated(sys.btt), 100n * BTT - 1n);
      });

      it('publishes a deadline exactly 365 days away', async function () {
        const t = await nextBlockTime();
        const r = await publish(1n, sys.btt, root, 1n, t + BigInt(YEAR));
        assert.equal(BigInt(Math.floor(r.info.blockTimeStamp / 1000)), t, 'the block is in the predicted second');
        assert.deepEqual(eventOf(r, 'EpochPublished'), {
          epochId: 1n,
          token: sys.btt,
          merkleRoot: root,
          total: 1n,
          claimDeadline: t + BigInt(YEAR),
          uri: 'ipfs://epoch-1',
        });
        assert.deepEqual(await epochInfo(1n), {
          token: sys.btt,
          merkleRoot: root,
          total: 1n,
          claimed: 0n,
          claimDeadline: t + BigInt(YEAR),
          swept: false,
          cancelled: false,
        });
        assert.equal(await unallocated(sys.btt), 100n * BTT - 1n);
      });

      it('reverts with InvalidDeadline one second past 365 days', async function () {
        const t = await nextBlockTime();
        const deadline = t + BigInt(YEAR) + 1n;
        await expectRevert(publish(1n, TRX_ADDRESS, root, 1n, deadline), 'InvalidDeadline', [
          deadline,
          t + BigInt(DAY),
          t + BigInt(YEAR),
        ]);
        assert.equal(await unallocated(TRX_ADDRESS), 50n * TRX);
        await expectRevert(epochInfo(1n), 'UnknownEpoch', [1n]);
      });

      it('reverts with InvalidDeadline for the largest uint64 deadline', async function () {
        const t = await nextBlockTime();
        const deadline = 2n ** 64n - 1n;
        await expectRevert(publish(1n, sys.btt, root, 1n, deadline), 'InvalidDeadline', [
          deadline,
          t + BigInt(DAY),
          t + BigInt(YEAR),
        ]);
      });

      it('measures the window from the publishing block, after time has passed', async function () {
        await tre(devnet, 'tre_increaseTime', [30 * DAY]);
        const t = await nextBlockTime();
        const early = t + BigInt(DAY) - 1n;
        await expectRevert(publish(1n, sys.btt, root, 1n, early), 'InvalidDeadline', [
          early,
          t + BigInt(DAY),
          t + BigInt(YEAR),
        ]);
        const r = await publish(1n, sys.btt, root, 1n, t + BigInt(DAY));
        assert.equal(eventOf(r, 'EpochPublished').claimDeadline, t + BigInt(DAY));
      });
    });

    it('reverts with InsufficientUnallocated when the funds cannot cover the total', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 100n * BTT + 1n, deadline), 'InsufficientUnallocated', [
        sys.btt,
        100n * BTT,
        100n * BTT + 1n,
      ]);
      await expectRevert(publish(1n, TRX_ADDRESS, root, 51n * TRX, deadline), 'InsufficientUnallocated', [
        TRX_ADDRESS,
        50n * TRX,
        51n * TRX,
      ]);
      await expectRevert(publish(1n, sys.usdt, root, 1n, deadline), 'InsufficientUnallocated', [sys.usdt, 0n, 1n]);
    });

    it('reverts with InsufficientUnallocated when earlier epochs took the funds', async function () {
      const deadline = (await nextBlockTime()) + BigInt(DAY);
      await publish(1n, sys.btt, root, 70n * BTT, deadline);
      await expectRevert(publish(2n, sys.btt, root, 31n * BTT, deadline), 'InsufficientUnallocated', [
        sys.btt,
        30n * BTT,
        31n * BTT,
      ]);
    });
  });

  describe('when rewards are claimed from a BTT epoch', function () {
    let file: RewardsFile;
    let epochId: bigint;
    let total: bigint;

    beforeEach(async function () {
      file = bttEpoch(1n);
      epochId = 1n;
      ({ total } = await fundAndPublish(sys.btt, file));
    });

    it('pays each claim, emits RewardClaimed and updates the books', async function () {
      let claimed = 0n;
      for (const c of file.claims) {
        const before = await balanceOf(sys.btt, c.account);
        const r = await claim(RELAYER, epochId, c);
        assert.deepEqual(eventOf(r, 'RewardClaimed'), {
          epochId,
          index: BigInt(c.index),
          account: c.account,
          amount: BigInt(c.amount),
          category: BigInt(c.category),
        });
        claimed += BigInt(c.amount);
        assert.equal(await balanceOf(sys.btt, c.account), before + BigInt(c.amount));
        assert.equal(await isClaimed(epochId, c.index), true);
        assert.equal((await epochInfo(epochId)).claimed, claimed);
        assert.equal(await balanceOf(sys.btt, pool), total - claimed);
        assert.equal(await totalLiabilities(sys.btt), total - claimed);
      }
      assert.equal(claimed, total);
      assert.equal(await unallocated(sys.btt), 0n);
    });

    it('lets anyone submit a claim and pays the account, not the submitter', async function () {
      const c = file.claims[1]!;
      const r = await claim(RELAYER, epochId, c);
      assert.equal(eventOf(r, 'RewardClaimed').account, c.account);
      assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount));
      assert.equal(await balanceOf(sys.btt, relayer), 0n);
      assert.equal(await isClaimed(epochId, 0), false, 'other leaves stay unclaimed');
      assert.equal(await isClaimed(epochId, 2), false);
    });

    it('reverts with AlreadyClaimed when a leaf is claimed twice', async function () {
      const c = file.claims[0]!;
      await claim(RELAYER, epochId, c);
      await expectRevert(claim(OUTSIDER, epochId, c), 'AlreadyClaimed', [epochId, 0n]);
      assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount), 'paid once');
      assert.equal((await epochInfo(epochId)).claimed, BigInt(c.amount));
    });

    it('reverts with InvalidProof when the amount is wrong', async function () {
      const c = file.claims[0]!;
      await expectRevert(
        claim(RELAYER, epochId, { ...c, amount: (BigInt(c.amount) + 1n).toString() }),
        'InvalidProof',
        [epochId, 0n],
      );
      assert.equal(await isClaimed(epochId, 0), false);
      assert.equal(await balanceOf(sys.btt, c.account), 0n);
    });

    it('reverts with InvalidProof when the account is wrong', async function () {
      const c = file.claims[0]!;
      await expectRevert(claim(RELAYER, epochId, { ...c, account: outsider }), 'InvalidProof', [epochId, 0n]);
      assert.equal(await balanceOf(sys.btt, outsider), 0n);
    });

    it('reverts with InvalidProof when the category is wrong', async function () {
      const c = file.claims[1]!;
      assert.equal(c.category, 1);
      await expectRevert(claim(RELAYER, epochId, { ...c, category: 3 }), 'InvalidProof', [epochId, 1n]);
    });

    it('reverts with InvalidProof when the index is wrong', async function () {
      const c = file.claims[0]!;
      await expectRevert(claim(RELAYER, epochId, { ...c, index: 1 }), 'InvalidProof', [epochId, 1n]);
      assert.equal(await isClaimed(epochId, 1), false);
    });

    it('reverts with InvalidProof when the proof belongs to another leaf', async function () {
      const c = file.claims[0]!;
      await expectRevert(claim(RELAYER, epochId, { ...c, proof: file.claims[1]!.proof }), 'InvalidProof', [
        epochId,
        0n,
      ]);
      await expectRevert(claim(RELAYER, epochId, { ...c, proof: [] }), 'InvalidProof', [epochId, 0n]);
    });

    it('reverts with InvalidProof when the leaf is for another epoch', async function () {
      // The same rows built for epoch 2: the epoch id is part of the leaf.
      const other = bttEpoch(2n).claims[0]!;
      await expectRevert(claim(RELAYER, epochId, other), 'InvalidProof', [epochId, 0n]);
    });

    it('reverts with InvalidProof when the leaf was built for another pool, and pays the one built for this pool', async function () {
      // The same rows for the same epoch, scoped to another address (the vault): the pool is part of the leaf.
      const other = bttEpoch(1n, { chainId, pool: sys.vault, epochId: 1n });
      assert.notEqual(other.root, file.root);
      for (const c of other.claims)
        await expectRevert(claim(RELAYER, epochId, c), 'InvalidProof', [epochId, BigInt(c.index)]);
      const c = file.claims[0]!;
      const r = await claim(RELAYER, epochId, c);
      assert.deepEqual(eventOf(r, 'RewardClaimed'), {
        epochId,
        index: 0n,
        account: c.account,
        amount: BigInt(c.amount),
        category: 0n,
      });
      assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount));
      assert.equal((await epochInfo(epochId)).claimed, BigInt(c.amount));
    });

    it('reverts with InvalidProof when the leaf was built for another chain id, and pays the one built for this chain', async function () {
      // The same rows for TRON mainnet's chain id and for this chain's id + 1.
      for (const otherChain of [0x2b6653dcn, chainId + 1n]) {
        const other = bttEpoch(1n, { chainId: otherChain, pool, epochId: 1n });
        assert.notEqual(other.root, file.root);
        await expectRevert(claim(RELAYER, epochId, other.claims[1]!), 'InvalidProof', [epochId, 1n]);
      }
      const c = file.claims[1]!;
      assert.equal(await balanceOf(sys.btt, c.account), 0n);
      const r = await claim(RELAYER, epochId, c);
      assert.deepEqual(eventOf(r, 'RewardClaimed'), {
        epochId,
        index: 1n,
        account: c.account,
        amount: BigInt(c.amount),
        category: 1n,
      });
      assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount));
    });

    it('reverts with InvalidCategory when the category is above 3', async function () {
      const c = file.claims[0]!;
      await expectRevert(claim(RELAYER, epochId, { ...c, category: 4 }), 'InvalidCategory', [4n]);
      await expectRevert(claim(RELAYER, epochId, { ...c, category: 255 }), 'InvalidCategory', [255n]);
    });

    it('reverts with UnknownEpoch when the epoch was never published', async function () {
      await expectRevert(claim(RELAYER, 99n, file.claims[0]!), 'UnknownEpoch', [99n]);
    });

    it('reverts with EpochExpired after the deadline', async function () {
      const { claimDeadline } = await epochInfo(epochId);
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      await expectRevert(claim(RELAYER, epochId, file.claims[0]!), 'EpochExpired', [epochId, claimDeadline]);
      assert.equal(await balanceOf(sys.btt, file.claims[0]!.account), 0n);
      assert.equal(await isClaimed(epochId, 0), false);
    });

    it('still pays a claim shortly before the deadline', async function () {
      await tre(devnet, 'tre_increaseTime', [7 * DAY - 120]);
      const c = file.claims[2]!;
      const r = await claim(RELAYER, epochId, c);
      assert.deepEqual(eventOf(r, 'RewardClaimed'), {
        epochId,
        index: 2n,
        account: c.account,
        amount: 1n,
        category: 2n,
      });
      assert.equal(await balanceOf(sys.btt, c.account), 1n);
    });
  });

  describe('when rewards are claimed from a TRX epoch', function () {
    let file: RewardsFile;
    const epochId = 2n;
    let total: bigint;

    beforeEach(async function () {
      file = trxEpoch(epochId);
      ({ total } = await fundAndPublish(TRX_ADDRESS, file));
    });

    it('pays each claim in sun, emits RewardClaimed and updates the books', async function () {
      assert.equal(await trxBalance(devnet, pool), total);
      let claimed = 0n;
      for (const c of file.claims) {
        const before = await trxBalance(devnet, c.account);
        const r = await claim(RELAYER, epochId, c);
        assert.deepEqual(eventOf(r, 'RewardClaimed'), {
          epochId,
          index: BigInt(c.index),
          account: c.account,
          amount: BigInt(c.amount),
          category: BigInt(c.category),
        });
        claimed += BigInt(c.amount);
        assert.equal(await trxBalance(devnet, c.account), before + BigInt(c.amount), `claim ${c.index}`);
        assert.equal(await isClaimed(epochId, c.index), true);
        assert.equal((await epochInfo(epochId)).claimed, claimed);
        assert.equal(await trxBalance(devnet, pool), total - claimed);
        assert.equal(await totalLiabilities(TRX_ADDRESS), total - claimed);
      }
      assert.equal(claimed, total);
    });

    it('charges the submitter only the fee', async function () {
      const c = file.claims[1]!;
      const [accountBefore, relayerBefore] = [await trxBalance(devnet, c.account), await trxBalance(devnet, relayer)];
      const r = await claim(RELAYER, epochId, c);
      assert.equal(await trxBalance(devnet, c.account), accountBefore + BigInt(c.amount));
      assert.equal(await trxBalance(devnet, relayer), relayerBefore - BigInt(r.fee));
    });

    it('pays an account that submits its own claim the amount less its fee', async function () {
      const c = file.claims[0]!;
      const self = devnet.accounts.findIndex((a) => a.address === c.account);
      const before = await trxBalance(devnet, c.account);
      const r = await claim(self, epochId, c);
      assert.equal(await trxBalance(devnet, c.account), before + BigInt(c.amount) - BigInt(r.fee));
    });

    it('pays an account that does not exist on chain yet', async function () {
      const fresh = TronWeb.address.fromPrivateKey(`${'5'.repeat(63)}1`) as string;
      assert.equal(await trxBalance(devnet, fresh), 0n);
      const single = build(3n, [[fresh, 7n * TRX, 'content']]);
      assert.deepEqual(single.claims[0]!.proof, [], 'a one-leaf tree has an empty proof');
      await fundAndPublish(TRX_ADDRESS, single);
      const r = await claim(RELAYER, 3n, single.claims[0]!);
      assert.deepEqual(eventOf(r, 'RewardClaimed'), {
        epochId: 3n,
        index: 0n,
        account: fresh,
        amount: 7n * TRX,
        category: 1n,
      });
      assert.equal(await trxBalance(devnet, fresh), 7n * TRX);
    });

    it('keeps the claims of one account in different categories apart', async function () {
      const [first, , , second] = file.claims as [RewardClaim, RewardClaim, RewardClaim, RewardClaim];
      assert.equal(first.account, second.account);
      const before = await trxBalance(devnet, first.account);
      await claim(RELAYER, epochId, second);
      await expectRevert(claim(RELAYER, epochId, second), 'AlreadyClaimed', [epochId, 3n]);
      await claim(RELAYER, epochId, first);
      assert.equal(await trxBalance(devnet, first.account), before + BigInt(first.amount) + BigInt(second.amount));
    });

    it('reverts with AlreadyClaimed when a leaf is claimed twice', async function () {
      const c = file.claims[2]!;
      await claim(RELAYER, epochId, c);
      const before = await trxBalance(devnet, c.account);
      await expectRevert(claim(OUTSIDER, epochId, c), 'AlreadyClaimed', [epochId, 2n]);
      assert.equal(await trxBalance(devnet, c.account), before);
    });

    it('reverts with EpochExpired after the deadline', async function () {
      const { claimDeadline } = await epochInfo(epochId);
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      await expectRevert(claim(RELAYER, epochId, file.claims[1]!), 'EpochExpired', [epochId, claimDeadline]);
      assert.equal(await trxBalance(devnet, pool), total);
    });
  });

  describe('when a TRX reward goes to a contract that refuses TRX', function () {
    it('reverts with TRXTransferFailed and leaves the leaf claimable', async function () {
      // Profiles has no receive or fallback function.
      const file = build(3n, [
        [sys.profiles, 4n * TRX, 'other'],
        [contributors[0]!, 1n * TRX, 'other'],
      ]);
      const { total } = await fundAndPublish(TRX_ADDRESS, file);
      await expectRevert(claim(RELAYER, 3n, file.claims[0]!), 'TRXTransferFailed', [sys.profiles, 4n * TRX]);
      assert.equal(await isClaimed(3n, 0), false);
      assert.equal((await epochInfo(3n)).claimed, 0n);
      assert.equal(await trxBalance(devnet, pool), total);
      assert.equal(await totalLiabilities(TRX_ADDRESS), total);
    });
  });

  describe('when the reward token calls back into the pool', function () {
    it('reverts with ReentrancyGuardReentrantCall and pays nothing', async function () {
      const file = build(11n, [
        [contributors[0]!, 100n, 'content'],
        [contributors[1]!, 200n, 'content'],
      ]);
      const { total } = await fundAndPublish(reentrant, file);
      // While paying leaf 0, the token tries to claim leaf 1 from inside the transfer.
      const c1 = file.claims[1]!;
      const evm = (a: string): string => `0x${(TronWeb.address.toHex(a) as string).slice(2)}`;
      const poolAbi = new tronUtils.ethersUtils.Interface(artifact('RewardPool').abi as never);
      const payload = poolAbi.encodeFunctionData('claim', [
        11n,
        c1.index,
        evm(c1.account),
        BigInt(c1.amount),
        c1.category,
        c1.proof,
      ]);
      await send(devnet, ADMIN, reentrant, 'arm(address,bytes)', [pool, payload]);

      await expectRevert(claim(RELAYER, 11n, file.claims[0]!), 'ReentrancyGuardReentrantCall', []);
      assert.equal(await isClaimed(11n, 0), false);
      assert.equal(await isClaimed(11n, 1), false);
      assert.equal(await balanceOf(reentrant, c1.account), 0n);
      assert.equal(await balanceOf(reentrant, pool), total);

      await send(devnet, ADMIN, reentrant, 'arm(address,bytes)', [pool, '0x']);
      await claim(RELAYER, 11n, file.claims[0]!);
      assert.equal(await balanceOf(reentrant, file.claims[0]!.account), 100n);
    });
  });

  describe('when an epoch total is below the sum of its leaves', function () {
    it('reverts with EpochOverclaimed once the total is used up', async function () {
      const file = bttEpoch(5n);
      const [a, b] = file.claims as [RewardClaim, RewardClaim];
      const total = BigInt(a.amount) + 10n;
      await fundToken(ADMIN, sys.btt, total);
      await publish(5n, sys.btt, file.root, total, (await nextBlockTime()) + BigInt(DAY));
      await claim(RELAYER, 5n, a);
      await expectRevert(claim(RELAYER, 5n, b), 'EpochOverclaimed', [5n, 10n, BigInt(b.amount)]);
      assert.equal(await isClaimed(5n, 1), false);
      assert.equal(await balanceOf(sys.btt, b.account), 0n);
      assert.equal(await balanceOf(sys.btt, pool), 10n);
      assert.equal(await totalLiabilities(sys.btt), 10n);
    });
  });

  describe('when an epoch pays a USDT-like token whose transfer returns false', function () {
    it('pays every claim exactly', async function () {
      const file = build(4n, [
        [contributors[0]!, 1_500_000n, 'maintenance'],
        [contributors[3]!, 250_000n, 'other'],
      ]);
      const { total } = await fundAndPublish(sys.usdt, file);
      for (const c of file.claims) {
        const r = await claim(RELAYER, 4n, c);
        assert.deepEqual(eventOf(r, 'RewardClaimed'), {
          epochId: 4n,
          index: BigInt(c.index),
          account: c.account,
          amount: BigInt(c.amount),
          category: BigInt(c.category),
        });
        assert.equal(await balanceOf(sys.usdt, c.account), BigInt(c.amount));
      }
      assert.equal(await balanceOf(sys.usdt, pool), 0n);
      assert.equal(await totalLiabilities(sys.usdt), 0n);
      assert.equal((await epochInfo(4n)).claimed, total);
    });
  });

  describe('when an epoch is swept', function () {
    let file: RewardsFile;
    const epochId = 1n;
    let deadline: bigint;
    let total: bigint;

    beforeEach(async function () {
      file = bttEpoch(epochId);
      ({ deadline, total } = await fundAndPublish(sys.btt, file));
      await claim(RELAYER, epochId, file.claims[0]!);
    });

    it('reverts with EpochStillOpen before the deadline', async function () {
      await expectRevert(send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]), 'EpochStillOpen', [
        epochId,
        deadline,
      ]);
      assert.equal((await epochInfo(epochId)).swept, false);
    });

    it('reverts with UnknownEpoch for an epoch never published', async function () {
      await expectRevert(send(devnet, OUTSIDER, pool, 'sweep(uint256)', [42n]), 'UnknownEpoch', [42n]);
    });

    describe('after the deadline', function () {
      let remaining: bigint;

      beforeEach(async function () {
        remaining = total - BigInt(file.claims[0]!.amount);
        await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      });

      it('emits EpochSwept and returns the unclaimed rest to unallocated', async function () {
        assert.equal(await unallocated(sys.btt), 0n);
        const r = await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]);
        assert.deepEqual(eventOf(r, 'EpochSwept'), { epochId, amount: remaining });
        assert.equal(await unallocated(sys.btt), remaining);
        assert.equal(await totalLiabilities(sys.btt), remaining, 'sweeping moves funds, it does not pay them out');
        assert.equal(await balanceOf(sys.btt, pool), remaining);
        assert.deepEqual(await epochInfo(epochId), {
          token: sys.btt,
          merkleRoot: file.root,
          total,
          claimed: BigInt(file.claims[0]!.amount),
          claimDeadline: deadline,
          swept: true,
          cancelled: false,
        });
      });

      it('reverts with AlreadySwept on a second sweep', async function () {
        await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]);
        await expectRevert(send(devnet, ADMIN, pool, 'sweep(uint256)', [epochId]), 'AlreadySwept', [epochId]);
        assert.equal(await unallocated(sys.btt), remaining, 'credited once');
      });

      it('reverts with AlreadySwept when a claim comes after the sweep', async function () {
        await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]);
        await expectRevert(claim(RELAYER, epochId, file.claims[1]!), 'AlreadySwept', [epochId]);
        await expectRevert(claim(RELAYER, epochId, file.claims[0]!), 'AlreadySwept', [epochId]);
        assert.equal(await balanceOf(sys.btt, file.claims[1]!.account), 0n);
      });

      it('lets the swept funds back a new epoch', async function () {
        await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]);
        const next = bttEpoch(2n);
        const nextDeadline = (await nextBlockTime()) + BigInt(DAY);
        await expectRevert(
          publish(2n, sys.btt, next.root, BigInt(next.total), nextDeadline),
          'InsufficientUnallocated',
          [sys.btt, remaining, BigInt(next.total)],
        );
        const r = await publish(2n, sys.btt, next.root, remaining, nextDeadline);
        assert.equal(eventOf(r, 'EpochPublished').total, remaining);
        const c = next.claims[1]!;
        await claim(RELAYER, 2n, c);
        assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount));
        assert.equal(await unallocated(sys.btt), 0n);
      });
    });
  });

  describe('when a fully claimed epoch is swept', function () {
    it('emits EpochSwept with zero and returns nothing', async function () {
      const full = build(6n, [[contributors[3]!, 9n, 'events']]);
      const { deadline } = await fundAndPublish(sys.btt, full);
      await claim(RELAYER, 6n, full.claims[0]!);
      await tre(devnet, 'tre_increaseTime', [Number(deadline - (await nextBlockTime())) + 60]);
      const r = await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [6n]);
      assert.deepEqual(eventOf(r, 'EpochSwept'), { epochId: 6n, amount: 0n });
      assert.equal(await unallocated(sys.btt), 0n);
      assert.equal(await totalLiabilities(sys.btt), 0n);
      assert.equal((await epochInfo(6n)).swept, true);
    });
  });

  describe('when a TRX epoch is swept', function () {
    it('returns the unclaimed sun to unallocated and keeps the pool solvent', async function () {
      const file = trxEpoch(2n);
      const { total } = await fundAndPublish(TRX_ADDRESS, file);
      await claim(RELAYER, 2n, file.claims[1]!);
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      const remaining = total - BigInt(file.claims[1]!.amount);
      const r = await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [2n]);
      assert.deepEqual(eventOf(r, 'EpochSwept'), { epochId: 2n, amount: remaining });
      assert.equal(await unallocated(TRX_ADDRESS), remaining);
      assert.equal(await trxBalance(devnet, pool), remaining);
      assert.equal(await totalLiabilities(TRX_ADDRESS), remaining);
    });
  });

  describe('when a leaf names the pool itself or the zero address', function () {
    const epochId = 12n;
    let file: RewardsFile;
    let total: bigint;

    beforeEach(async function () {
      // The builder refuses these rows; a tree built around it still has valid proofs for them.
      file = buildUnchecked(epochId, [
        [pool, 5n * BTT, 0],
        [TRX_ADDRESS, 6n * BTT, 1],
        [contributors[0]!, 7n * BTT, 2],
      ]);
      ({ total } = await fundAndPublish(sys.btt, file));
      for (const c of file.claims) {
        const leaf = leafHash(
          scopeOf(epochId),
          c.index,
          (TronWeb.address.toHex(c.account) as string).toLowerCase(),
          BigInt(c.amount),
          c.category,
        );
        assert.ok(SimpleMerkleTree.verify(file.root, leaf, c.proof), `claim ${c.index}'s proof is valid`);
      }
    });

    it('reverts with InvalidRecipient when the account is the pool', async function () {
      await expectRevert(claim(RELAYER, epochId, file.claims[0]!), 'InvalidRecipient', [pool]);
      assert.equal(await isClaimed(epochId, 0), false);
      assert.equal((await epochInfo(epochId)).claimed, 0n);
      assert.equal(await balanceOf(sys.btt, pool), total);
      assert.equal(await totalLiabilities(sys.btt), total);
    });

    it('reverts with InvalidRecipient when the account is the zero address', async function () {
      await expectRevert(claim(RELAYER, epochId, file.claims[1]!), 'InvalidRecipient', [TRX_ADDRESS]);
      assert.equal(await isClaimed(epochId, 1), false);
      assert.equal(await balanceOf(sys.btt, TRX_ADDRESS), 0n);
      assert.equal(await balanceOf(sys.btt, pool), total);
    });

    it('still pays the other leaves', async function () {
      const c = file.claims[2]!;
      const r = await claim(RELAYER, epochId, c);
      assert.deepEqual(eventOf(r, 'RewardClaimed'), {
        epochId,
        index: 2n,
        account: c.account,
        amount: 7n * BTT,
        category: 2n,
      });
      assert.equal(await balanceOf(sys.btt, c.account), 7n * BTT);
      assert.equal(await balanceOf(sys.btt, pool), total - 7n * BTT);
      assert.equal(await totalLiabilities(sys.btt), total - 7n * BTT);
    });
  });

  describe('when an epoch is cancelled', function () {
    let file: RewardsFile;
    const epochId = 1n;
    let deadline: bigint;
    let total: bigint;

    beforeEach(async function () {
      file = bttEpoch(epochId);
      ({ deadline, total } = await fundAndPublish(sys.btt, file));
    });

    it('emits EpochCancelled and returns the total to unallocated', async function () {
      assert.equal(await unallocated(sys.btt), 0n);
      const r = await cancel(epochId);
      assert.deepEqual(eventOf(r, 'EpochCancelled'), { epochId, amount: total });
      assert.equal(await unallocated(sys.btt), total);
      assert.equal(await totalLiabilities(sys.btt), total, 'cancelling moves funds, it does not pay them out');
      assert.equal(await balanceOf(sys.btt, pool), total);
      assert.deepEqual(await epochInfo(epochId), {
        token: sys.btt,
        merkleRoot: file.root,
        total,
        claimed: 0n,
        claimDeadline: deadline,
        swept: false,
        cancelled: true,
      });
      for (const c of file.claims) assert.equal(await balanceOf(sys.btt, c.account), 0n);
    });

    it('lets the returned funds back a corrected epoch', async function () {
      await cancel(epochId);
      const fixed = build(2n, [
        [contributors[0]!, 100n * BTT, 'maintenance'],
        [contributors[3]!, total - 100n * BTT, 'content'],
      ]);
      const r = await publish(2n, sys.btt, fixed.root, total, (await nextBlockTime()) + BigInt(DAY));
      assert.equal(eventOf(r, 'EpochPublished').total, total);
      assert.equal(await unallocated(sys.btt), 0n);
      for (const c of fixed.claims) await claim(RELAYER, 2n, c);
      assert.equal(await balanceOf(sys.btt, contributors[0]!), 100n * BTT);
      assert.equal(await balanceOf(sys.btt, contributors[3]!), total - 100n * BTT);
      assert.equal(await balanceOf(sys.btt, pool), 0n);
      assert.equal(await totalLiabilities(sys.btt), 0n);
    });

    it('reverts with EpochWasCancelled when a claim comes after the cancel', async function () {
      await cancel(epochId);
      for (const c of file.claims) {
        await expectRevert(claim(RELAYER, epochId, c), 'EpochWasCancelled', [epochId]);
        assert.equal(await isClaimed(epochId, c.index), false);
        assert.equal(await balanceOf(sys.btt, c.account), 0n);
      }
      assert.equal(await balanceOf(sys.btt, pool), total);
      assert.equal(await unallocated(sys.btt), total);
    });

    it('reverts with EpochWasCancelled when the cancelled epoch is swept after its deadline', async function () {
      await cancel(epochId);
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      await expectRevert(send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]), 'EpochWasCancelled', [epochId]);
      assert.equal(await unallocated(sys.btt), total, 'credited once');
      assert.equal(await totalLiabilities(sys.btt), total);
      assert.equal((await epochInfo(epochId)).swept, false);
    });

    it('reverts with EpochWasCancelled on a second cancel', async function () {
      await cancel(epochId);
      await expectRevert(cancel(epochId), 'EpochWasCancelled', [epochId]);
      assert.equal(await unallocated(sys.btt), total, 'credited once');
      assert.equal(await totalLiabilities(sys.btt), total);
    });

    it('reverts with EpochHasClaims once a leaf was claimed', async function () {
      const c = file.claims[0]!;
      await claim(RELAYER, epochId, c);
      await expectRevert(cancel(epochId), 'EpochHasClaims', [epochId]);
      assert.equal((await epochInfo(epochId)).cancelled, false);
      assert.equal(await unallocated(sys.btt), 0n);
      assert.equal(await totalLiabilities(sys.btt), total - BigInt(c.amount));
      const next = file.claims[1]!;
      await claim(RELAYER, epochId, next);
      assert.equal(await balanceOf(sys.btt, next.account), BigInt(next.amount), 'the epoch keeps paying');
    });

    it('reverts with ZeroAmount for a zero leaf, which leaves the epoch cancellable', async function () {
      const zero = buildUnchecked(3n, [
        [contributors[0]!, 0n, 0],
        [contributors[1]!, 5n, 1],
      ]);
      await fundAndPublish(sys.btt, zero);
      await expectRevert(claim(RELAYER, 3n, zero.claims[0]!), 'ZeroAmount', []);
      assert.equal(await call(devnet, sys.rewardPool, 'isClaimed(uint256,uint256)', [3n, 0n], ['bool']), false);
      const r = await cancel(3n);
      assert.deepEqual(eventOf(r, 'EpochCancelled'), { epochId: 3n, amount: 5n });
      assert.equal(await unallocated(sys.btt), 5n);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the rewards role', async function () {
      await expectRevert(cancel(epochId, OUTSIDER), 'AccessControlUnauthorizedAccount', [outsider, REWARDS_ROLE]);
      assert.equal((await epochInfo(epochId)).cancelled, false);
      assert.equal(await unallocated(sys.btt), 0n);
      await claim(RELAYER, epochId, file.claims[2]!);
      assert.equal(await balanceOf(sys.btt, file.claims[2]!.account), 1n, 'the epoch still pays');
    });

    it('lets an account granted the rewards role cancel', async function () {
      await send(devnet, ADMIN, pool, 'grantRole(bytes32,address)', [REWARDS_ROLE, outsider]);
      const r = await cancel(epochId, OUTSIDER);
      assert.deepEqual(eventOf(r, 'EpochCancelled'), { epochId, amount: total });
      assert.equal(await unallocated(sys.btt), total);
    });

    it('reverts with UnknownEpoch for an epoch never published', async function () {
      await expectRevert(cancel(42n), 'UnknownEpoch', [42n]);
    });

    it('reverts with AlreadySwept for a swept epoch', async function () {
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      const r = await send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]);
      assert.deepEqual(eventOf(r, 'EpochSwept'), { epochId, amount: total });
      await expectRevert(cancel(epochId), 'AlreadySwept', [epochId]);
      assert.equal(await unallocated(sys.btt), total, 'credited once');
      assert.deepEqual(await epochInfo(epochId), {
        token: sys.btt,
        merkleRoot: file.root,
        total,
        claimed: 0n,
        claimDeadline: deadline,
        swept: true,
        cancelled: false,
      });
    });

    it('cancels an expired epoch nobody claimed from before it is swept', async function () {
      await tre(devnet, 'tre_increaseTime', [7 * DAY + 60]);
      const r = await cancel(epochId);
      assert.deepEqual(eventOf(r, 'EpochCancelled'), { epochId, amount: total });
      assert.equal(await unallocated(sys.btt), total);
      await expectRevert(send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]), 'EpochWasCancelled', [epochId]);
      assert.equal(await unallocated(sys.btt), total, 'credited once');
    });
  });

  describe('when a TRX epoch is cancelled', function () {
    it('returns its sun to unallocated and keeps it in the pool', async function () {
      const file = trxEpoch(2n);
      const { total } = await fundAndPublish(TRX_ADDRESS, file);
      const r = await cancel(2n);
      assert.deepEqual(eventOf(r, 'EpochCancelled'), { epochId: 2n, amount: total });
      assert.equal(await unallocated(TRX_ADDRESS), total);
      assert.equal(await totalLiabilities(TRX_ADDRESS), total);
      assert.equal(await trxBalance(devnet, pool), total);
      await expectRevert(claim(RELAYER, 2n, file.claims[0]!), 'EpochWasCancelled', [2n]);
    });
  });

  describe('when tokens reach the pool outside fund', function () {
    const stray = 40n * BTT;
    const spare = 10n * BTT;
    let file: RewardsFile;
    let owed: bigint;

    beforeEach(async function () {
      // The pool owes an open epoch and some unallocated funds, and holds `stray` more on top.
      file = bttEpoch(1n);
      const { total } = await fundAndPublish(sys.btt, file);
      await fundToken(ADMIN, sys.btt, spare);
      owed = total + spare;
      await send(devnet, FUNDER, sys.btt, 'mint(address,uint256)', [pool, stray]);
    });

    it('reports what the pool holds above its liabilities as its surplus', async function () {
      assert.equal(await balanceOf(sys.btt, pool), owed + stray);
      assert.equal(await totalLiabilities(sys.btt), owed);
      assert.equal(await surplusOf(sys.btt), stray);
      assert.equal(await surplusOf(sys.usdt), 0n);
      assert.equal(await surplusOf(TRX_ADDRESS), 0n);
    });

    it('recovers part and then the rest, emits SurplusRecovered and leaves the liabilities untouched', async function () {
      const part = 15n * BTT;
      const first = await recover(sys.btt, outsider, part);
      assert.deepEqual(eventOf(first, 'SurplusRecovered'), { token: sys.btt, to: outsider, amount: part });
      assert.equal(await balanceOf(sys.btt, outsider), part);
      assert.equal(await balanceOf(sys.btt, pool), owed + stray - part);
      assert.equal(await surplusOf(sys.btt), stray - part);
      assert.equal(await totalLiabilities(sys.btt), owed);
      assert.equal(await unallocated(sys.btt), spare);

      const rest = await recover(sys.btt, funder, stray - part);
      assert.deepEqual(eventOf(rest, 'SurplusRecovered'), { token: sys.btt, to: funder, amount: stray - part });
      assert.equal(await balanceOf(sys.btt, funder), stray - part);
      assert.equal(await balanceOf(sys.btt, pool), owed);
      assert.equal(await surplusOf(sys.btt), 0n);
      assert.equal(await totalLiabilities(sys.btt), owed);
      assert.equal(await unallocated(sys.btt), spare);
    });

    it('reverts with InsufficientSurplus for one base unit more than is left', async function () {
      await recover(sys.btt, outsider, stray);
      await expectRevert(recover(sys.btt, outsider, 1n), 'InsufficientSurplus', [sys.btt, 0n, 1n]);
      assert.equal(await balanceOf(sys.btt, outsider), stray);
      assert.equal(await balanceOf(sys.btt, pool), owed);
    });

    it('reverts with InsufficientSurplus when asked for more than the surplus, and the epoch still pays in full', async function () {
      await expectRevert(recover(sys.btt, outsider, stray + 1n), 'InsufficientSurplus', [sys.btt, stray, stray + 1n]);
      assert.equal(await balanceOf(sys.btt, outsider), 0n);
      await recover(sys.btt, outsider, stray);
      for (const c of file.claims) {
        await claim(RELAYER, 1n, c);
        assert.equal(await balanceOf(sys.btt, c.account), BigInt(c.amount));
      }
      assert.equal(await balanceOf(sys.btt, pool), spare);
      assert.equal(await totalLiabilities(sys.btt), spare);
      assert.equal(await surplusOf(sys.btt), 0n);
    });

    it('reverts with InvalidRecipient when the recipient is the zero address or the pool', async function () {
      await expectRevert(recover(sys.btt, TRX_ADDRESS, 1n), 'InvalidRecipient', [TRX_ADDRESS]);
      await expectRevert(recover(sys.btt, pool, 1n), 'InvalidRecipient', [pool]);
      assert.equal(await surplusOf(sys.btt), stray);
    });

    it('reverts with ZeroAmount for an amount of zero', async function () {
      await expectRevert(recover(sys.btt, outsider, 0n), 'ZeroAmount', []);
    });

    it('reverts with AccessControlUnauthorizedAccount unless the caller is the admin, rewards role or not', async function () {
      await expectRevert(recover(sys.btt, outsider, 1n, OUTSIDER), 'AccessControlUnauthorizedAccount', [
        outsider,
        DEFAULT_ADMIN_ROLE,
      ]);
      await send(devnet, ADMIN, pool, 'grantRole(bytes32,address)', [REWARDS_ROLE, outsider]);
      await expectRevert(recover(sys.btt, outsider, 1n, OUTSIDER), 'AccessControlUnauthorizedAccount', [
        outsider,
        DEFAULT_ADMIN_ROLE,
      ]);
      assert.equal(await surplusOf(sys.btt), stray);
      assert.equal(await balanceOf(sys.btt, outsider), 0n);
    });
  });

  describe('when nothing reached the pool outside fund', function () {
    it('has no surplus, and recoverSurplus reverts with InsufficientSurplus', async function () {
      await fundToken(ADMIN, sys.btt, 10n * BTT);
      await fundTRX(ADMIN, 5n * TRX);
      assert.equal(await surplusOf(sys.btt), 0n);
      assert.equal(await surplusOf(TRX_ADDRESS), 0n);
      await expectRevert(recover(sys.btt, outsider, 1n), 'InsufficientSurplus', [sys.btt, 0n, 1n]);
      await expectRevert(recover(TRX_ADDRESS, outsider, 1n), 'InsufficientSurplus', [TRX_ADDRESS, 0n, 1n]);
      assert.equal(await balanceOf(sys.btt, pool), 10n * BTT);
      assert.equal(await trxBalance(devnet, pool), 5n * TRX);
    });
  });

  describe('when TRX reaches the pool outside fundTRX', function () {
    it('reports the TRX surplus and recovers it, never below the liabilities', async function () {
      // Nothing in BLive's contracts sends TRX to the pool without fundTRX (a plain transfer to a
      // contract is refused, the pool has no receive function), so the devnet forces it in.
      await fundTRX(ADMIN, 5n * TRX);
      await tre(devnet, 'tre_setAccountBalance', [pool, (8n * TRX).toString()]);
      assert.equal(await surplusOf(TRX_ADDRESS), 3n * TRX);
      const to = TronWeb.address.fromPrivateKey(`${'6'.repeat(63)}1`) as string;
      const r = await recover(TRX_ADDRESS, to, 2n * TRX);
      assert.deepEqual(eventOf(r, 'SurplusRecovered'), { token: TRX_ADDRESS, to, amount: 2n * TRX });
      assert.equal(await trxBalance(devnet, to), 2n * TRX);
      assert.equal(await trxBalance(devnet, pool), 6n * TRX);
      assert.equal(await surplusOf(TRX_ADDRESS), 1n * TRX);
      await expectRevert(recover(TRX_ADDRESS, to, 1n * TRX + 1n), 'InsufficientSurplus', [
        TRX_ADDRESS,
        1n * TRX,
        1n * TRX + 1n,
      ]);
      await recover(TRX_ADDRESS, to, 1n * TRX);
      assert.equal(await trxBalance(devnet, pool), 5n * TRX);
      assert.equal(await surplusOf(TRX_ADDRESS), 0n);
      assert.equal(await totalLiabilities(TRX_ADDRESS), 5n * TRX);
      assert.equal(await unallocated(TRX_ADDRESS), 5n * TRX);
    });
  });

  describe('when a USDT-like token whose transfer returns false reaches the pool outside fund', function () {
    it('recovers it exactly', async function () {
      await fundToken(ADMIN, sys.usdt, 1_000_000n);
      await send(devnet, FUNDER, sys.usdt, 'mint(address,uint256)', [pool, 250_000n]);
      assert.equal(await surplusOf(sys.usdt), 250_000n);
      const r = await recover(sys.usdt, outsider, 250_000n);
      assert.deepEqual(eventOf(r, 'SurplusRecovered'), { token: sys.usdt, to: outsider, amount: 250_000n });
      assert.equal(await balanceOf(sys.usdt, outsider), 250_000n);
      assert.equal(await balanceOf(sys.usdt, pool), 1_000_000n);
      assert.equal(await surplusOf(sys.usdt), 0n);
      assert.equal(await totalLiabilities(sys.usdt), 1_000_000n);
    });
  });
});

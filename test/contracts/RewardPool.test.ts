/**
 * RewardPool on the devnet: funding in TRX and TRC-20 (including a fee-on-transfer token and a
 * USDT-like token whose transfer returns false), publishing merkle epochs, claiming with proofs
 * from the real builder in scripts/rewards.ts, expiry and sweeping. After every test the pool's
 * balance of each token must cover its liabilities.
 */
import { strict as assert } from 'node:assert';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { buildRewards, parseCsv, type RewardClaim, type RewardsFile } from '../../scripts/rewards.js';
import { call, DAY, deploy, deploySystem, eventOf, expectRevert, send, trxBalance, TRX_ADDRESS, type System, type TxResult } from '../helpers/contracts.js';
import { artifact, startDevnet, tre, tronWebFor, type Devnet } from '../helpers/devnet.js';

const REWARDS_ROLE = tronUtils.ethersUtils.keccak256(tronUtils.ethersUtils.toUtf8Bytes('REWARDS_ROLE'));
const ZERO_ROOT = `0x${'00'.repeat(32)}`;
const CLAIM = 'claim(uint256,uint256,address,uint256,uint8,bytes32[])';
const PUBLISH = 'publishEpoch(uint256,address,bytes32,uint256,uint64,string)';
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
  let fee: string;
  let reentrant: string;
  let snapshot: string;
  /** Contributors: devnet accounts 4 to 7, who never send a transaction in these tests. */
  let contributors: string[];
  let funder: string;
  let outsider: string;
  let relayer: string;

  before(async function () {
    devnet = await startDevnet();
    sys = await deploySystem(devnet);
    pool = sys.rewardPool;
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

  const balanceOf = (token: string, account: string): Promise<bigint> => call(devnet, token, 'balanceOf(address)', [account]);
  const unallocated = (token: string): Promise<bigint> => call(devnet, pool, 'unallocated(address)', [token]);
  const totalLiabilities = (token: string): Promise<bigint> => call(devnet, pool, 'totalLiabilities(address)', [token]);
  const isClaimed = (epochId: bigint, index: number): Promise<boolean> => call(devnet, pool, 'isClaimed(uint256,uint256)', [epochId, index], ['bool']);
  const poolBalance = (token: string): Promise<bigint> => (token === TRX_ADDRESS ? trxBalance(devnet, pool) : balanceOf(token, pool));
  const holdings = (token: string, account: string): Promise<bigint> => (token === TRX_ADDRESS ? trxBalance(devnet, account) : balanceOf(token, account));

  interface EpochInfo {
    token: string;
    merkleRoot: string;
    total: bigint;
    claimed: bigint;
    claimDeadline: bigint;
    swept: boolean;
  }
  async function epochInfo(epochId: bigint): Promise<EpochInfo> {
    const [token, merkleRoot, total, claimed, claimDeadline, swept] = await call(devnet, pool, 'epochInfo(uint256)', [epochId], ['address', 'bytes32', 'uint256', 'uint256', 'uint64', 'bool']);
    return { token, merkleRoot, total, claimed, claimDeadline, swept };
  }

  /** The head block's time in seconds; the next transaction's block is at least this. */
  async function chainNow(): Promise<bigint> {
    const block = await tronWebFor(devnet, ADMIN).trx.getCurrentBlock();
    return BigInt(Math.floor(Number(block.block_header.raw_data.timestamp) / 1000));
  }

  // --- writes ------------------------------------------------------------------------------------

  /** Mints `amount` of a mock token to devnet account `from`, approves the pool and funds it. */
  async function fundToken(from: number, token: string, amount: bigint): Promise<TxResult> {
    const account = devnet.accounts[from]!.address;
    await send(devnet, from, token, 'mint(address,uint256)', [account, amount]);
    await send(devnet, from, token, 'approve(address,uint256)', [pool, amount]);
    return send(devnet, from, pool, 'fund(address,uint256)', [token, amount]);
  }

  const fundTRX = (from: number, amount: bigint): Promise<TxResult> => send(devnet, from, pool, 'fundTRX()', [], { callValue: amount });

  function publish(epochId: bigint, token: string, root: string, total: bigint, deadline: bigint, uri = `ipfs://epoch-${epochId}`, from = ADMIN): Promise<TxResult> {
    return send(devnet, from, pool, PUBLISH, [epochId, token, root, total, deadline, uri]);
  }

  function claim(from: number, epochId: bigint, c: Pick<RewardClaim, 'index' | 'account' | 'amount' | 'category' | 'proof'>): Promise<TxResult> {
    return send(devnet, from, pool, CLAIM, [epochId, c.index, c.account, c.amount, c.category, c.proof]);
  }

  /** Builds an epoch's proofs file with the real builder from `account,amount,category` rows. */
  function build(epochId: bigint, rows: [string, bigint, string][]): RewardsFile {
    const csv = ['account,amount,category', ...rows.map(([a, amount, cat]) => `${a},${amount},${cat}`)].join('\n');
    return buildRewards(parseCsv(csv), epochId);
  }

  /** Funds the pool with exactly the epoch total and publishes it with a deadline a week away. */
  async function fundAndPublish(token: string, file: RewardsFile): Promise<{ deadline: bigint; total: bigint }> {
    const total = BigInt(file.total);
    if (token === TRX_ADDRESS) await fundTRX(ADMIN, total);
    else await fundToken(ADMIN, token, total);
    const deadline = (await chainNow()) + BigInt(7 * DAY);
    await publish(BigInt(file.epochId), token, file.root, total, deadline);
    return { deadline, total };
  }

  /** A three-claim BTT epoch for contributors 0, 1 and 2. */
  function bttEpoch(epochId = 1n): RewardsFile {
    return build(epochId, [
      [contributors[0]!, 120n * BTT, 'maintenance'],
      [contributors[1]!, 45n * BTT + 7n, 'content'],
      [contributors[2]!, 1n, 'events'],
    ]);
  }

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
      await expectRevert(send(devnet, FUNDER, pool, 'fund(address,uint256)', [sys.btt, 7n]), 'TRC20InsufficientAllowance', [pool, 0n, 7n]);
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
      const deadline = (await chainNow()) + BigInt(DAY);
      const r = await publish(7n, sys.btt, root, 60n * BTT, deadline, 'ipfs://bafyepoch7');

      assert.deepEqual(eventOf(r, 'EpochPublished'), { epochId: 7n, token: sys.btt, merkleRoot: root, total: 60n * BTT, claimDeadline: deadline, uri: 'ipfs://bafyepoch7' });
      assert.equal(await unallocated(sys.btt), 40n * BTT);
      assert.equal(await totalLiabilities(sys.btt), 100n * BTT, 'publishing only earmarks funds');
      assert.equal(await balanceOf(sys.btt, pool), 100n * BTT);
      assert.deepEqual(await epochInfo(7n), { token: sys.btt, merkleRoot: root, total: 60n * BTT, claimed: 0n, claimDeadline: deadline, swept: false });
      assert.equal(await unallocated(TRX_ADDRESS), 50n * TRX, 'other tokens are untouched');
    });

    it('publishes a TRX epoch that uses every unallocated sun', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      const r = await publish(8n, TRX_ADDRESS, root, 50n * TRX, deadline, '');
      assert.deepEqual(eventOf(r, 'EpochPublished'), { epochId: 8n, token: TRX_ADDRESS, merkleRoot: root, total: 50n * TRX, claimDeadline: deadline, uri: '' });
      assert.equal(await unallocated(TRX_ADDRESS), 0n);
      assert.equal(await totalLiabilities(TRX_ADDRESS), 50n * TRX);
    });

    it('lets an account granted the rewards role publish', async function () {
      const grant = await send(devnet, ADMIN, pool, 'grantRole(bytes32,address)', [REWARDS_ROLE, outsider]);
      assert.deepEqual(eventOf(grant, 'RoleGranted'), { role: REWARDS_ROLE, account: outsider, sender: sys.admin });
      const deadline = (await chainNow()) + BigInt(DAY);
      const r = await publish(9n, sys.btt, root, 1n, deadline, 'u', OUTSIDER);
      assert.deepEqual(eventOf(r, 'EpochPublished'), { epochId: 9n, token: sys.btt, merkleRoot: root, total: 1n, claimDeadline: deadline, uri: 'u' });
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the rewards role', async function () {
      assert.equal(await call(devnet, pool, 'REWARDS_ROLE()', [], ['bytes32']), REWARDS_ROLE);
      const deadline = (await chainNow()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 1n, deadline, '', OUTSIDER), 'AccessControlUnauthorizedAccount', [outsider, REWARDS_ROLE]);
      assert.equal(await unallocated(sys.btt), 100n * BTT);
      await expectRevert(epochInfo(1n), 'UnknownEpoch', [1n]);
    });

    it('reverts with EpochExists when the id is taken', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      await publish(1n, sys.btt, root, 10n * BTT, deadline);
      await expectRevert(publish(1n, TRX_ADDRESS, `0x${'cd'.repeat(32)}`, 1n, deadline), 'EpochExists', [1n]);
      assert.equal(await unallocated(sys.btt), 90n * BTT);
      assert.equal(await unallocated(TRX_ADDRESS), 50n * TRX);
      assert.equal((await epochInfo(1n)).merkleRoot, root);
    });

    it('reverts with InvalidRoot when the root is zero', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, ZERO_ROOT, 1n, deadline), 'InvalidRoot', []);
    });

    it('reverts with ZeroAmount when the total is zero', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 0n, deadline), 'ZeroAmount', []);
    });

    it('reverts with InvalidDeadline when the deadline is not after the block time', async function () {
      const now = await chainNow();
      await expectRevert(publish(1n, sys.btt, root, 1n, now), 'InvalidDeadline', [now]);
      await expectRevert(publish(1n, sys.btt, root, 1n, 0n), 'InvalidDeadline', [0n]);
    });

    it('reverts with InsufficientUnallocated when the funds cannot cover the total', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      await expectRevert(publish(1n, sys.btt, root, 100n * BTT + 1n, deadline), 'InsufficientUnallocated', [sys.btt, 100n * BTT, 100n * BTT + 1n]);
      await expectRevert(publish(1n, TRX_ADDRESS, root, 51n * TRX, deadline), 'InsufficientUnallocated', [TRX_ADDRESS, 50n * TRX, 51n * TRX]);
      await expectRevert(publish(1n, sys.usdt, root, 1n, deadline), 'InsufficientUnallocated', [sys.usdt, 0n, 1n]);
    });

    it('reverts with InsufficientUnallocated when earlier epochs took the funds', async function () {
      const deadline = (await chainNow()) + BigInt(DAY);
      await publish(1n, sys.btt, root, 70n * BTT, deadline);
      await expectRevert(publish(2n, sys.btt, root, 31n * BTT, deadline), 'InsufficientUnallocated', [sys.btt, 30n * BTT, 31n * BTT]);
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
        assert.deepEqual(eventOf(r, 'RewardClaimed'), { epochId, index: BigInt(c.index), account: c.account, amount: BigInt(c.amount), category: BigInt(c.category) });
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
      await expectRevert(claim(RELAYER, epochId, { ...c, amount: (BigInt(c.amount) + 1n).toString() }), 'InvalidProof', [epochId, 0n]);
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
      await expectRevert(claim(RELAYER, epochId, { ...c, proof: file.claims[1]!.proof }), 'InvalidProof', [epochId, 0n]);
      await expectRevert(claim(RELAYER, epochId, { ...c, proof: [] }), 'InvalidProof', [epochId, 0n]);
    });

    it('reverts with InvalidProof when the leaf is for another epoch', async function () {
      // The same rows built for epoch 2: the epoch id is part of the leaf.
      const other = bttEpoch(2n).claims[0]!;
      await expectRevert(claim(RELAYER, epochId, other), 'InvalidProof', [epochId, 0n]);
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
      assert.deepEqual(eventOf(r, 'RewardClaimed'), { epochId, index: 2n, account: c.account, amount: 1n, category: 2n });
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
        assert.deepEqual(eventOf(r, 'RewardClaimed'), { epochId, index: BigInt(c.index), account: c.account, amount: BigInt(c.amount), category: BigInt(c.category) });
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
      assert.deepEqual(eventOf(r, 'RewardClaimed'), { epochId: 3n, index: 0n, account: fresh, amount: 7n * TRX, category: 1n });
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
      const payload = poolAbi.encodeFunctionData('claim', [11n, c1.index, evm(c1.account), BigInt(c1.amount), c1.category, c1.proof]);
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
      await publish(5n, sys.btt, file.root, total, (await chainNow()) + BigInt(DAY));
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
        assert.deepEqual(eventOf(r, 'RewardClaimed'), { epochId: 4n, index: BigInt(c.index), account: c.account, amount: BigInt(c.amount), category: BigInt(c.category) });
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
      await expectRevert(send(devnet, OUTSIDER, pool, 'sweep(uint256)', [epochId]), 'EpochStillOpen', [epochId, deadline]);
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
        assert.deepEqual(await epochInfo(epochId), { token: sys.btt, merkleRoot: file.root, total, claimed: BigInt(file.claims[0]!.amount), claimDeadline: deadline, swept: true });
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
        const nextDeadline = (await chainNow()) + BigInt(DAY);
        await expectRevert(publish(2n, sys.btt, next.root, BigInt(next.total), nextDeadline), 'InsufficientUnallocated', [sys.btt, remaining, BigInt(next.total)]);
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
      await tre(devnet, 'tre_increaseTime', [Number(deadline - (await chainNow())) + 60]);
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
});

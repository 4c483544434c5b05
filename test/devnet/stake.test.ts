/**
 * Stake 2.0 and deployer energy sharing on the devnet, driven through stock TronWeb and the HTTP
 * API as a wallet would: freezing gives a share of the network's energy, calls use it and it
 * recovers over 24 hours, a contract's deployer pays the share its settings say from its staked
 * energy only, delegations move limits, unfrozen TRX comes back after the wait, and all of it
 * survives a restart and a revert.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TronWeb } from 'tronweb';
import { artifact, post, startDevnet, tre, tronWebFor, type Devnet } from '../helpers/devnet.js';
import { FEE_LIMIT, TRX, deploy, store } from '../helpers/probe.js';
import { rng } from '../helpers/traffic.js';

const TOTAL_ENERGY = 180_000_000_000;
const TOTAL_NET = 43_200_000_000;
const DAY = 86_400;
const PRICE = 100;

type Json = Record<string, any>;

async function send(tw: TronWeb, tx: unknown): Promise<string> {
  const res = await tw.trx.sendRawTransaction(await tw.trx.sign(tx as never));
  assert.equal(res.result, true, JSON.stringify(res));
  return (tx as { txID: string }).txID;
}

/** Sends a transaction and expects the devnet to refuse it with `message`. */
async function refused(tw: TronWeb, tx: unknown, message: string): Promise<void> {
  const res = (await tw.trx.sendRawTransaction(await tw.trx.sign(tx as never))) as unknown as Json;
  assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR', JSON.stringify(res));
  assert.equal(Buffer.from(res.message, 'hex').toString('utf8'), `Contract validate error : ${message}`);
}

function resource(devnet: Devnet, address: string, prefix = 'wallet'): Promise<Json> {
  return post(devnet, `${prefix}/getaccountresource`, { address, visible: true });
}

function account(devnet: Devnet, address: string): Promise<Json> {
  return post(devnet, 'wallet/getaccount', { address, visible: true });
}

function info(devnet: Devnet, txid: string): Promise<Json> {
  return post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
}

async function freeze(tw: TronWeb, amount: number, kind: 'ENERGY' | 'BANDWIDTH' = 'ENERGY'): Promise<string> {
  return send(tw, await tw.transactionBuilder.freezeBalanceV2(amount, kind, tw.defaultAddress.base58 as string));
}

/** Deploys DevnetProbe with the deployer's sharing settings. */
async function deployShared(tw: TronWeb, userFeePercentage: number, originEnergyLimit: number): Promise<string> {
  const a = artifact('DevnetProbe');
  const tx = await tw.transactionBuilder.createSmartContract(
    {
      abi: a.abi as never,
      bytecode: a.bytecode,
      feeLimit: FEE_LIMIT,
      name: a.contractName,
      userFeePercentage,
      originEnergyLimit,
    },
    tw.defaultAddress.hex as string,
  );
  await send(tw, tx);
  return tw.address.fromHex((tx as unknown as { contract_address: string }).contract_address);
}

/** Moves chain time forward and seals a block at the new time. */
async function advance(devnet: Devnet, seconds: number): Promise<void> {
  await tre(devnet, 'tre_increaseTime', [seconds]);
  await tre(devnet, 'tre_mine', [1]);
}

async function balance(devnet: Devnet, address: string): Promise<number> {
  return ((await account(devnet, address)).balance as number | undefined) ?? 0;
}

describe('devnet Stake 2.0', () => {
  let devnet: Devnet;

  beforeEach(async () => {
    devnet = await startDevnet({ energyPrice: BigInt(PRICE) });
  });

  afterEach(() => devnet.close());

  describe('when accounts freeze TRX for energy', () => {
    it('gives each the share of the total energy limit its stake is of the total weight', async () => {
      const [a, b] = [devnet.accounts[0]!, devnet.accounts[1]!];
      const before = await balance(devnet, a.address);
      const txid = await freeze(tronWebFor(devnet, 0), 1_000 * TRX);
      assert.deepEqual((await info(devnet, txid)).receipt, { net_usage: (await info(devnet, txid)).receipt.net_usage });
      assert.equal(await balance(devnet, a.address), before - 1_000 * TRX);
      let ra = await resource(devnet, a.address);
      assert.equal(ra.EnergyLimit, TOTAL_ENERGY);
      assert.equal(ra.TotalEnergyWeight, 1_000);
      assert.equal(ra.TotalEnergyLimit, TOTAL_ENERGY);
      assert.equal(ra.EnergyUsed, undefined);
      assert.equal(ra.tronPowerLimit, 1_000);

      await freeze(tronWebFor(devnet, 1), 3_000 * TRX);
      ra = await resource(devnet, a.address);
      const rb = await resource(devnet, b.address);
      assert.equal(ra.TotalEnergyWeight, 4_000);
      assert.equal(ra.EnergyLimit, TOTAL_ENERGY / 4);
      assert.equal(rb.EnergyLimit, (TOTAL_ENERGY * 3) / 4);
      const acct = await account(devnet, a.address);
      assert.deepEqual(acct.frozenV2, [{}, { type: 'ENERGY', amount: 1_000 * TRX }, { type: 'TRON_POWER' }]);
    });

    it('refuses amounts under 1 TRX or over the balance, with java-tron messages', async () => {
      const tw = tronWebFor(devnet, 2);
      const addr = tw.defaultAddress.base58 as string;
      await refused(
        tw,
        await tw.transactionBuilder.freezeBalanceV2(999_999, 'ENERGY', addr),
        'frozenBalance must be greater than or equal to 1 TRX',
      );
      await refused(
        tw,
        await tw.transactionBuilder.freezeBalanceV2(2_000_000 * TRX, 'ENERGY', addr),
        'frozenBalance must be less than or equal to accountBalance',
      );
      // The node-side builder runs the same checks and answers as java-tron's servlet.
      const built = await post(devnet, 'wallet/freezebalancev2', {
        owner_address: addr,
        frozen_balance: 10,
        resource: 'ENERGY',
        visible: true,
      });
      assert.deepEqual(built, {
        Error:
          'class org.tron.core.exception.ContractValidateException : frozenBalance must be greater than or equal to 1 TRX',
      });
    });

    it('builds freeze transactions on the node that TronWeb signs and the devnet executes', async () => {
      const tw = tronWebFor(devnet, 3);
      const built = await post(devnet, 'wallet/freezebalancev2', {
        owner_address: tw.defaultAddress.base58,
        frozen_balance: 5 * TRX,
        resource: 'ENERGY',
        visible: true,
      });
      assert.equal(built.raw_data.contract[0].type, 'FreezeBalanceV2Contract');
      assert.deepEqual(built.raw_data.contract[0].parameter.value, {
        owner_address: tw.defaultAddress.base58,
        frozen_balance: 5 * TRX,
        resource: 'ENERGY',
      });
      await send(tw, built);
      assert.equal((await resource(devnet, tw.defaultAddress.base58 as string)).TotalEnergyWeight, 5);
    });
  });

  describe('when stake transactions are read back', () => {
    it('serves each as TronWeb built it (gettransactionbyid)', async () => {
      const tw = tronWebFor(devnet, 0);
      const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
      const b = tw.transactionBuilder;
      const probe = await deployShared(tw, 100, 10_000_000);
      const built: Json[] = [];
      const run = async (tx: unknown): Promise<void> => {
        await send(tw, tx);
        built.push(tx as Json);
      };
      await run(await b.freezeBalanceV2(50 * TRX, 'ENERGY', o));
      await run(await b.freezeBalanceV2(5 * TRX, 'BANDWIDTH', o));
      await run(await b.delegateResource(10 * TRX, r, 'ENERGY', o, true, 10));
      await run(await b.delegateResource(2 * TRX, r, 'BANDWIDTH', o));
      await run(await b.undelegateResource(1 * TRX, r, 'BANDWIDTH', o));
      await run(await b.unfreezeBalanceV2(3 * TRX, 'ENERGY', o));
      await run(await b.cancelUnfreezeBalanceV2(o));
      await run(await b.updateSetting(probe, 30, o));
      await run(await b.updateEnergyLimit(probe, 7_000, o));
      for (const tx of built) {
        const served = await post(devnet, 'wallet/gettransactionbyid', { value: tx.txID });
        assert.equal(served.raw_data_hex, tx.raw_data_hex);
        assert.deepEqual(served.raw_data.contract, tx.raw_data.contract, tx.raw_data.contract[0].type);
        assert.deepEqual(served.ret, [{ contractRet: 'SUCCESS' }]);
      }
    });
  });

  describe('when a staker calls a contract', () => {
    it('pays the energy from its stake, which recovers linearly over 24 hours', async () => {
      const tw = tronWebFor(devnet, 0);
      const addr = devnet.accounts[0]!.address;
      const probe = (await deploy(tw, 'DevnetProbe')).address;
      await freeze(tw, 1_000 * TRX);
      const before = await balance(devnet, addr);
      const r = await info(devnet, await store(tw, probe, 1, 7, 'staked'));
      const used = r.receipt.energy_usage_total as number;
      assert.ok(used > 20_000, `used ${used}`);
      assert.equal(r.receipt.energy_usage, used);
      assert.equal(r.receipt.energy_fee, undefined);
      assert.equal(r.receipt.origin_energy_usage, undefined);
      // Only the bytes are paid for: the free bandwidth went on the deployment.
      assert.equal(r.fee, r.receipt.net_fee);
      assert.equal(await balance(devnet, addr), before - (r.receipt.net_fee ?? 0));
      assert.equal((await resource(devnet, addr)).EnergyUsed, used);

      await advance(devnet, 12 * 3600);
      const half = (await resource(devnet, addr)).EnergyUsed as number;
      assert.ok(Math.abs(half - used / 2) <= 1, `after 12 h: ${half} of ${used}`);
      await advance(devnet, 12 * 3600);
      assert.equal((await resource(devnet, addr)).EnergyUsed, undefined);
    });

    it('burns TRX at the energy price for what its stake cannot cover', async () => {
      // 1 TRX of 180,000 TRX staked, of a total of 180,000,000 energy: 1,000 energy a day.
      await devnet.close();
      devnet = await startDevnet({ energyPrice: BigInt(PRICE), chain: { totalEnergyLimit: 180_000_000n } });
      const tw = tronWebFor(devnet, 0);
      const addr = devnet.accounts[0]!.address;
      const probe = (await deploy(tw, 'DevnetProbe')).address;
      await freeze(tronWebFor(devnet, 1), 179_999 * TRX);
      await freeze(tw, TRX);
      assert.equal((await resource(devnet, addr)).EnergyLimit, 1_000);
      const before = await balance(devnet, addr);
      const r = await info(devnet, await store(tw, probe, 3, 1, 'more than staked'));
      const total = r.receipt.energy_usage_total as number;
      assert.equal(r.receipt.energy_usage, 1_000);
      assert.equal(r.receipt.energy_fee, (total - 1_000) * PRICE);
      assert.equal(await balance(devnet, addr), before - (total - 1_000) * PRICE - (r.receipt.net_fee ?? 0));
      assert.equal((await resource(devnet, addr)).EnergyUsed, 1_000);
    });
  });

  describe('when a deployer shares energy with callers', () => {
    it('pays (100 - percent)% from its stake and the caller the rest in TRX', async () => {
      const deployer = tronWebFor(devnet, 0);
      const caller = tronWebFor(devnet, 1);
      const probe = await deployShared(deployer, 30, 10_000_000);
      await freeze(deployer, 1_000 * TRX);
      const before = await balance(devnet, devnet.accounts[1]!.address);
      const r = await info(devnet, await store(caller, probe, 1, 9, 'shared'));
      const total = r.receipt.energy_usage_total as number;
      const origin = Math.floor((total * 70) / 100);
      assert.equal(r.receipt.origin_energy_usage, origin);
      assert.equal(r.receipt.energy_usage, undefined);
      assert.equal(r.receipt.energy_fee, (total - origin) * PRICE);
      assert.equal(r.fee, (total - origin) * PRICE);
      assert.equal(await balance(devnet, devnet.accounts[1]!.address), before - (total - origin) * PRICE);
      assert.equal((await resource(devnet, devnet.accounts[0]!.address)).EnergyUsed, origin);
    });

    it('pays everything at 0% and caps its part at origin_energy_limit (updatesetting, updateenergylimit)', async () => {
      const deployer = tronWebFor(devnet, 0);
      const caller = tronWebFor(devnet, 1);
      const owner = deployer.defaultAddress.base58 as string;
      const probe = await deployShared(deployer, 100, 10_000_000);
      await freeze(deployer, 1_000 * TRX);
      await send(deployer, await deployer.transactionBuilder.updateSetting(probe, 0, owner));
      assert.equal(
        (await post(devnet, 'wallet/getcontract', { value: probe, visible: true })).consume_user_resource_percent,
        undefined,
      );
      const all = await info(devnet, await store(caller, probe, 1, 1, 'free'));
      assert.equal(all.receipt.origin_energy_usage, all.receipt.energy_usage_total);
      assert.equal(all.receipt.energy_fee, undefined);
      assert.equal(all.fee, undefined);

      await send(deployer, await deployer.transactionBuilder.updateEnergyLimit(probe, 5_000, owner));
      assert.equal(
        (await post(devnet, 'wallet/getcontract', { value: probe, visible: true })).origin_energy_limit,
        5_000,
      );
      const capped = await info(devnet, await store(caller, probe, 2, 1, 'capped'));
      assert.equal(capped.receipt.origin_energy_usage, 5_000);
      assert.equal(capped.receipt.energy_fee, (capped.receipt.energy_usage_total - 5_000) * PRICE);
    });

    it('falls back to the caller when the deployer has no staked energy, its stake first', async () => {
      const deployer = tronWebFor(devnet, 0);
      const caller = tronWebFor(devnet, 1);
      const probe = await deployShared(deployer, 0, 10_000_000);
      const plain = await info(devnet, await store(caller, probe, 1, 1, 'fallback'));
      assert.equal(plain.receipt.origin_energy_usage, undefined);
      assert.equal(plain.receipt.energy_fee, plain.receipt.energy_usage_total * PRICE);

      await freeze(caller, 1_000 * TRX);
      const staked = await info(devnet, await store(caller, probe, 2, 1, 'fallback'));
      assert.equal(staked.receipt.origin_energy_usage, undefined);
      assert.equal(staked.receipt.energy_usage, staked.receipt.energy_usage_total);
      assert.equal(staked.receipt.energy_fee, undefined);
    });

    it('lets only the deployer change the settings', async () => {
      const deployer = tronWebFor(devnet, 0);
      const other = tronWebFor(devnet, 1);
      const probe = await deployShared(deployer, 50, 10_000_000);
      const otherAddr = other.defaultAddress.base58 as string;
      const built = await post(devnet, 'wallet/updatesetting', {
        owner_address: otherAddr,
        contract_address: probe,
        consume_user_resource_percent: 0,
        visible: true,
      });
      assert.equal(
        built.Error,
        `class org.tron.core.exception.ContractValidateException : Account[${other.defaultAddress.hex}] is not the owner of the contract`,
      );
      await refused(
        other,
        await other.transactionBuilder.updateEnergyLimit(probe, 1, otherAddr),
        `Account[${other.defaultAddress.hex}] is not the owner of the contract`,
      );
    });
  });

  describe('when energy is delegated', () => {
    it('moves the limit to the receiver and back, usage with it', async () => {
      const owner = tronWebFor(devnet, 0);
      const receiver = tronWebFor(devnet, 1);
      const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
      const probe = (await deploy(owner, 'DevnetProbe')).address;
      await freeze(owner, 2_000 * TRX);
      await send(owner, await owner.transactionBuilder.delegateResource(1_000 * TRX, r, 'ENERGY', o));
      assert.equal((await resource(devnet, o)).EnergyLimit, TOTAL_ENERGY / 2);
      assert.equal((await resource(devnet, r)).EnergyLimit, TOTAL_ENERGY / 2);
      assert.equal((await resource(devnet, r)).TotalEnergyWeight, 2_000);
      const acct = await account(devnet, o);
      assert.equal(acct.account_resource.delegated_frozenV2_balance_for_energy, 1_000 * TRX);
      assert.deepEqual(
        await post(devnet, 'wallet/getdelegatedresourcev2', { fromAddress: o, toAddress: r, visible: true }),
        {
          delegatedResource: [{ from: o, to: r, frozen_balance_for_energy: 1_000 * TRX }],
        },
      );

      const used = (await info(devnet, await store(receiver, probe, 1, 1, 'delegated'))).receipt.energy_usage as number;
      assert.ok(used > 0);
      assert.equal((await resource(devnet, r)).EnergyUsed, used);

      await send(owner, await owner.transactionBuilder.undelegateResource(1_000 * TRX, r, 'ENERGY', o));
      const rr = await resource(devnet, r);
      assert.equal(rr.EnergyLimit, undefined);
      assert.equal(rr.EnergyUsed, undefined);
      const ro = await resource(devnet, o);
      assert.equal(ro.EnergyLimit, TOTAL_ENERGY);
      assert.equal(ro.EnergyUsed, used);
      assert.deepEqual(
        await post(devnet, 'wallet/getdelegatedresourcev2', { fromAddress: o, toAddress: r, visible: true }),
        {},
      );
    });

    it("answers TronWeb's delegation queries", async () => {
      const owner = tronWebFor(devnet, 0);
      const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
      await freeze(owner, 300 * TRX);
      await send(owner, await owner.transactionBuilder.delegateResource(100 * TRX, r, 'ENERGY', o));
      assert.deepEqual(await owner.trx.getCanDelegatedMaxSize(o, 'ENERGY'), { max_size: 200 * TRX });
      assert.deepEqual(await owner.trx.getCanDelegatedMaxSize(o, 'BANDWIDTH'), {});
      assert.deepEqual(await owner.trx.getAvailableUnfreezeCount(o), { count: 32 });
      const index = await owner.trx.getDelegatedResourceAccountIndexV2(r);
      assert.deepEqual(index, {
        account: owner.address.toHex(r).toLowerCase(),
        fromAccounts: [owner.address.toHex(o).toLowerCase()],
      });
      const delegated = await owner.trx.getDelegatedResourceV2(o, r);
      assert.equal(delegated.delegatedResource?.[0]?.frozen_balance_for_energy, 100 * TRX);
      const res = await owner.trx.getAccountResources(r);
      assert.equal(res.EnergyLimit, TOTAL_ENERGY / 3);
    });

    it('keeps a locked delegation until its lock is over', async () => {
      const owner = tronWebFor(devnet, 0);
      const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
      await freeze(owner, 100 * TRX);
      await send(owner, await owner.transactionBuilder.delegateResource(10 * TRX, r, 'ENERGY', o, true, 100));
      await refused(
        owner,
        await owner.transactionBuilder.undelegateResource(10 * TRX, r, 'ENERGY', o),
        `insufficient delegateFrozenBalance(Energy), request=${10 * TRX}, unlock_balance=0`,
      );
      await advance(devnet, 301);
      await send(owner, await owner.transactionBuilder.undelegateResource(10 * TRX, r, 'ENERGY', o));
      assert.equal((await resource(devnet, o)).EnergyLimit, TOTAL_ENERGY);
    });

    it('refuses to delegate more than the frozen balance', async () => {
      const owner = tronWebFor(devnet, 0);
      const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
      await freeze(owner, 10 * TRX);
      await refused(
        owner,
        await owner.transactionBuilder.delegateResource(11 * TRX, r, 'ENERGY', o),
        'delegateBalance must be less than or equal to available FreezeEnergyV2 balance',
      );
    });
  });

  describe('when bandwidth is staked', () => {
    it('pays transactions from staked bandwidth before the free allowance', async () => {
      const tw = tronWebFor(devnet, 0);
      const a = devnet.accounts[0]!.address;
      await freeze(tw, 100 * TRX, 'BANDWIDTH');
      const res = await resource(devnet, a);
      assert.equal(res.NetLimit, TOTAL_NET);
      assert.equal(res.TotalNetWeight, 100);
      const freeBefore = res.freeNetUsed ?? 0;
      const t = await tw.trx.sendTrx(devnet.accounts[5]!.address, 1);
      const r = await info(devnet, t.transaction.txID);
      const after = await resource(devnet, a);
      assert.equal(after.NetUsed, r.receipt.net_usage);
      assert.equal(after.freeNetUsed ?? 0, freeBefore);
    });
  });

  describe('when TRX is unfrozen', () => {
    it('returns it to the balance only after the wait, through withdrawexpireunfreeze', async () => {
      const tw = tronWebFor(devnet, 0);
      const a = devnet.accounts[0]!.address;
      await freeze(tw, 1_000 * TRX);
      await send(tw, await tw.transactionBuilder.unfreezeBalanceV2(400 * TRX, 'ENERGY', a));
      const acct = await account(devnet, a);
      assert.deepEqual(acct.frozenV2[1], { type: 'ENERGY', amount: 600 * TRX });
      assert.equal(acct.unfrozenV2.length, 1);
      assert.equal(acct.unfrozenV2[0].type, 'ENERGY');
      assert.equal(acct.unfrozenV2[0].unfreeze_amount, 400 * TRX);
      assert.equal((await resource(devnet, a)).TotalEnergyWeight, 600);
      await refused(tw, await tw.transactionBuilder.withdrawExpireUnfreeze(a), 'no unFreeze balance to withdraw ');

      await advance(devnet, 14 * DAY - 60);
      await refused(tw, await tw.transactionBuilder.withdrawExpireUnfreeze(a), 'no unFreeze balance to withdraw ');
      await advance(devnet, 120);
      const before = await balance(devnet, a);
      const r = await info(devnet, await send(tw, await tw.transactionBuilder.withdrawExpireUnfreeze(a)));
      assert.equal(r.withdraw_expire_amount, 400 * TRX);
      assert.equal(await balance(devnet, a), before + 400 * TRX - (r.fee ?? 0));
      assert.equal((await account(devnet, a)).unfrozenV2, undefined);
    });

    it('cancels pending unfreezes back into the stake (cancelallunfreezev2)', async () => {
      const tw = tronWebFor(devnet, 0);
      const a = devnet.accounts[0]!.address;
      await freeze(tw, 100 * TRX);
      await send(tw, await tw.transactionBuilder.unfreezeBalanceV2(40 * TRX, 'ENERGY', a));
      assert.deepEqual(await post(devnet, 'wallet/getavailableunfreezecount', { owner_address: a, visible: true }), {
        count: 31,
      });
      const r = await info(devnet, await send(tw, await tw.transactionBuilder.cancelUnfreezeBalanceV2(a)));
      assert.deepEqual(r.cancel_unfreezeV2_amount, [
        { key: 'BANDWIDTH', value: 0 },
        { key: 'ENERGY', value: 40 * TRX },
        { key: 'TRON_POWER', value: 0 },
      ]);
      const acct = await account(devnet, a);
      assert.deepEqual(acct.frozenV2[1], { type: 'ENERGY', amount: 100 * TRX });
      assert.equal(acct.unfrozenV2, undefined);
      assert.deepEqual(
        await post(devnet, 'wallet/getcandelegatedmaxsize', { owner_address: a, type: 1, visible: true }),
        {
          max_size: 100 * TRX,
        },
      );
    });

    it('waits the configured number of days', async () => {
      await devnet.close();
      devnet = await startDevnet({ chain: { unfreezeDelayDays: 1 } });
      const tw = tronWebFor(devnet, 0);
      const a = devnet.accounts[0]!.address;
      await freeze(tw, 10 * TRX);
      await send(tw, await tw.transactionBuilder.unfreezeBalanceV2(10 * TRX, 'ENERGY', a));
      await advance(devnet, DAY + 1);
      const r = await info(devnet, await send(tw, await tw.transactionBuilder.withdrawExpireUnfreeze(a)));
      assert.equal(r.withdraw_expire_amount, 10 * TRX);
    });
  });

  describe('when random stake operations run', () => {
    const N = 4;

    interface Holdings {
      liquid: bigint;
      frozenE: bigint;
      frozenN: bigint;
      delegatedE: bigint;
      delegatedN: bigint;
      acquiredE: bigint;
      acquiredN: bigint;
      unfreezing: bigint;
    }

    async function holdings(address: string): Promise<Holdings> {
      const a = await account(devnet, address);
      const frozen = (a.frozenV2 ?? []) as { type?: string; amount?: number }[];
      const big = (v: unknown): bigint => BigInt((v as number | undefined) ?? 0);
      return {
        liquid: big(a.balance),
        frozenN: big(frozen.find((f) => f.type === undefined)?.amount),
        frozenE: big(frozen.find((f) => f.type === 'ENERGY')?.amount),
        delegatedE: big(a.account_resource?.delegated_frozenV2_balance_for_energy),
        delegatedN: big(a.delegated_frozenV2_balance_for_bandwidth),
        acquiredE: big(a.account_resource?.acquired_delegated_frozenV2_balance_for_energy),
        acquiredN: big(a.acquired_delegated_frozenV2_balance_for_bandwidth),
        unfreezing: ((a.unfrozenV2 ?? []) as { unfreeze_amount: number }[]).reduce(
          (sum, u) => sum + BigInt(u.unfreeze_amount),
          0n,
        ),
      };
    }

    it('conserves TRX, mirrors every delegation and keeps the total weight the sum of the stakes', async () => {
      const random = rng(Number(process.env.STAKE_SEED ?? 15));
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const amount = (max: bigint): number => Number((BigInt(Math.floor(random() * 1_000_000)) * max) / 1_000_000n);
      const tws = Array.from({ length: N }, (_, i) => tronWebFor(devnet, i));
      const addrs = devnet.accounts.slice(0, N).map((a) => a.address);
      const all = async () => Promise.all(addrs.map(holdings));
      const worth = (h: Holdings[]) =>
        h.reduce((sum, x) => sum + x.liquid + x.frozenE + x.frozenN + x.delegatedE + x.delegatedN + x.unfreezing, 0n);
      // Calls share the deployer's energy half and half, so stakes get used and recover.
      const probe = await deployShared(tws[0]!, 50, 200_000);
      const start = worth(await all());
      let burned = 0n;
      for (let step = 0; step < 120; step++) {
        const i = Math.floor(random() * N);
        const tw = tws[i]!;
        const me = addrs[i]!;
        const other = pick(addrs.filter((a) => a !== me));
        const kind = pick(['ENERGY', 'BANDWIDTH'] as const);
        const h = await holdings(me);
        const b = tw.transactionBuilder;
        const op = pick([
          'freeze',
          'freeze',
          'unfreeze',
          'delegate',
          'delegate',
          'undelegate',
          'withdraw',
          'cancel',
          'wait',
          'call',
          'call',
        ]);
        let tx: unknown;
        if (op === 'freeze') tx = await b.freezeBalanceV2(Math.max(1, amount(2_000n * BigInt(TRX))), kind, me);
        else if (op === 'unfreeze')
          tx = await b.unfreezeBalanceV2(Math.max(1, amount(kind === 'ENERGY' ? h.frozenE : h.frozenN)), kind, me);
        else if (op === 'delegate')
          tx = await b.delegateResource(
            Math.max(1, amount(kind === 'ENERGY' ? h.frozenE : h.frozenN)),
            other,
            kind,
            me,
          );
        else if (op === 'undelegate') {
          // Mostly from a delegation that exists, with up to what it holds.
          const to = ((await tw.trx.getDelegatedResourceAccountIndexV2(me)).toAccounts ?? []) as string[];
          const target = to.length && random() < 0.9 ? tw.address.fromHex(pick(to)) : other;
          const held = (await tw.trx.getDelegatedResourceV2(me, target)).delegatedResource?.[0];
          const most = BigInt(
            (kind === 'ENERGY' ? held?.frozen_balance_for_energy : held?.frozen_balance_for_bandwidth) ?? TRX,
          );
          tx = await b.undelegateResource(Math.max(1, amount(most)), target, kind, me);
        } else if (op === 'withdraw') tx = await b.withdrawExpireUnfreeze(me);
        else if (op === 'cancel') tx = await b.cancelUnfreezeBalanceV2(me);
        else if (op === 'call')
          tx = (
            await b.triggerSmartContract(
              probe,
              'store(uint256,uint256,string)',
              { feeLimit: FEE_LIMIT },
              [
                { type: 'uint256', value: step },
                { type: 'uint256', value: step },
                { type: 'string', value: 'random' },
              ],
              me,
            )
          ).transaction;
        else await advance(devnet, Math.floor(random() * 20 * DAY));
        if (tx) {
          const res = (await tw.trx.sendRawTransaction(await tw.trx.sign(tx as never))) as unknown as Json;
          if (res.result === true) burned += BigInt((await info(devnet, (tx as { txID: string }).txID)).fee ?? 0);
          else assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR', `step ${step} ${op}: ${JSON.stringify(res)}`);
        }
        const now = await all();
        assert.equal(worth(now) + burned, start, `step ${step} ${op}: TRX conserved`);
        const sum = (f: (x: Holdings) => bigint) => now.reduce((s2, x) => s2 + f(x), 0n);
        assert.equal(
          sum((x) => x.delegatedE),
          sum((x) => x.acquiredE),
          `step ${step}: energy delegations mirrored`,
        );
        assert.equal(
          sum((x) => x.delegatedN),
          sum((x) => x.acquiredN),
          `step ${step}: bandwidth delegations mirrored`,
        );
        const res = await resource(devnet, me);
        const weight = sum((x) => (x.frozenE + x.delegatedE) / BigInt(TRX));
        assert.equal(BigInt(res.TotalEnergyWeight ?? 0), weight, `step ${step}: total energy weight`);
        // Limits come from whole TRX own and acquired, the total from whole TRX at the stakers: the
        // two sums differ only by rounding, at most a TRX per account.
        const own = sum((x) => (x.frozenE + x.acquiredE) / BigInt(TRX));
        assert.ok(own - weight <= BigInt(N) && weight - own <= BigInt(N), `step ${step}: weights ${own} vs ${weight}`);
      }
    });
  });

  describe('when the devnet reverts or restarts', () => {
    it('reverts stake with a snapshot', async () => {
      const tw = tronWebFor(devnet, 0);
      const a = devnet.accounts[0]!.address;
      const id = await tre<string>(devnet, 'tre_snapshot');
      await freeze(tw, 1_000 * TRX);
      assert.equal((await resource(devnet, a)).EnergyLimit, TOTAL_ENERGY);
      assert.equal(await tre(devnet, 'tre_revert', [id]), true);
      const res = await resource(devnet, a);
      assert.equal(res.EnergyLimit, undefined);
      assert.equal(res.TotalEnergyWeight, undefined);
    });

    it('drops the stake of a freeze a reorg leaves out', async () => {
      await devnet.close();
      devnet = await startDevnet({ solidityLag: 5 });
      const a = devnet.accounts[0]!.address;
      const b = devnet.accounts[1]!.address;
      const kept = await freeze(tronWebFor(devnet, 1), 300 * TRX);
      const dropped = await freeze(tronWebFor(devnet, 0), 100 * TRX);
      assert.equal((await resource(devnet, a)).TotalEnergyWeight, 400);
      // Not solidified yet: the solidified view has no stake.
      assert.equal((await resource(devnet, a, 'walletsolidity')).TotalEnergyWeight, undefined);
      const res = await tre<Json>(devnet, 'tre_reorg', [2, { drop: [dropped] }]);
      assert.deepEqual(res.replayed, [kept]);
      assert.equal((await resource(devnet, a)).EnergyLimit, undefined);
      assert.equal((await resource(devnet, b)).EnergyLimit, TOTAL_ENERGY);
      assert.equal((await resource(devnet, b)).TotalEnergyWeight, 300);
    });

    it('keeps stake, delegations, usage and contract settings across a restart', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'stake2-devnet-'));
      try {
        await devnet.close();
        devnet = await startDevnet({ dataDir: dir, energyPrice: BigInt(PRICE) });
        const deployer = tronWebFor(devnet, 0);
        const [o, r] = [devnet.accounts[0]!.address, devnet.accounts[1]!.address];
        const probe = await deployShared(deployer, 40, 10_000_000);
        await freeze(deployer, 2_000 * TRX);
        await send(deployer, await deployer.transactionBuilder.delegateResource(500 * TRX, r, 'ENERGY', o));
        await send(deployer, await deployer.transactionBuilder.unfreezeBalanceV2(100 * TRX, 'ENERGY', o));
        await store(tronWebFor(devnet, 2), probe, 1, 1, 'before restart');
        const saved = [await resource(devnet, o), await resource(devnet, r), await account(devnet, o)];
        await devnet.close();
        devnet = await startDevnet({ dataDir: dir, energyPrice: BigInt(PRICE) });
        assert.deepEqual([await resource(devnet, o), await resource(devnet, r), await account(devnet, o)], saved);
        const again = await info(devnet, await store(tronWebFor(devnet, 2), probe, 2, 1, 'after restart'));
        assert.equal(again.receipt.origin_energy_usage, Math.floor((again.receipt.energy_usage_total * 60) / 100));
      } finally {
        await devnet.close();
        devnet = await startDevnet();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

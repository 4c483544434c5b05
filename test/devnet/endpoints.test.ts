/**
 * The devnet's java-tron HTTP API, driven by stock TronWeb 6 as a real client and by raw requests:
 * blocks, accounts, contracts, receipts, calls, estimates, broadcasts and the TRON-specific rules
 * (deployment and CREATE2 addresses, CHAINID, account activation fees).
 */
import { strict as assert } from 'node:assert';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type TronWeb, utils } from 'tronweb';
import {
  artifact,
  get,
  post,
  startDevnet,
  tre,
  tronWebFor,
  type Devnet,
  freshAccount,
  type FreshAccount,
} from '../helpers/devnet.js';

/** Not the default 210, so a node that ignores the setting shows it. */
const ENERGY_PRICE = 420n;
const FEE_LIMIT = 1_000_000_000;
const PROBE_FUNDS = 5_000_000;
const ORIGIN_ENERGY_LIMIT = 10_000_000;

type Json = Record<string, any>;

const fresh = (label: string): FreshAccount => freshAccount(`endpoints.test/${label}`);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function uint(n: number | bigint): string {
  return BigInt(n).toString(16).padStart(64, '0');
}

/** Protobuf bytes of a signed transaction JSON, as `wallet/broadcasthex` takes them. */
function signedTxBytes(tx: Json): Uint8Array {
  const pb = utils.transaction.txJsonToPb(tx) as any;
  for (const s of tx.signature as string[]) pb.addSignature(Buffer.from(s.replace(/^0x/, ''), 'hex'));
  return pb.serializeBinary() as Uint8Array;
}

/** java-tron's bandwidth for a transaction: its size without `ret` plus 64 bytes of result room. */
function bandwidthOf(tx: Json): number {
  return signedTxBytes(tx).length + 64;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A solc ABI as java-tron prints it back from `SmartContract.abi` (enum names, defaults left out). */
function javaTronAbi(abi: Json[]): Json[] {
  const param = (p: Json): Json => ({
    ...(p.indexed ? { indexed: true } : {}),
    ...(p.name ? { name: p.name } : {}),
    type: p.type,
  });
  return abi.map((e) => ({
    ...(e.anonymous ? { anonymous: true } : {}),
    ...(e.name ? { name: e.name } : {}),
    ...(e.inputs?.length ? { inputs: e.inputs.map(param) } : {}),
    ...(e.outputs?.length ? { outputs: e.outputs.map(param) } : {}),
    type: cap(e.type),
    ...(e.stateMutability ? { stateMutability: cap(e.stateMutability) } : {}),
  }));
}

describe('devnet java-tron endpoints', function () {
  let devnet: Devnet;
  let tw: TronWeb;
  let owner: { address: string; hex: string; privateKey: string };
  let probe: any;
  let probeHex: string;

  async function account(address: string): Promise<Json> {
    return post(devnet, 'wallet/getaccount', { address });
  }

  async function balance(address: string): Promise<number> {
    return (await account(address)).balance as number;
  }

  async function info(txid: string): Promise<Json> {
    return post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
  }

  async function head(): Promise<Json> {
    return post(devnet, 'wallet/getnowblock');
  }

  before(async () => {
    devnet = await startDevnet({ energyPrice: ENERGY_PRICE });
    tw = tronWebFor(devnet, 0);
    owner = devnet.accounts[0]!;
    const a = artifact('DevnetProbe');
    probe = await tw.contract().new({
      abi: a.abi as never,
      bytecode: a.bytecode,
      feeLimit: FEE_LIMIT,
      callValue: PROBE_FUNDS,
      name: 'DevnetProbe',
      userFeePercentage: 100,
      originEnergyLimit: ORIGIN_ENERGY_LIMIT,
    });
    probeHex = (tw.address.toHex(probe.address) as string).toLowerCase();
  });

  after(async () => {
    await devnet?.close();
  });

  describe('when a contract is deployed', () => {
    it('puts it at 41 ++ keccak256(txID ++ owner)[12:], as TRON derives it', async () => {
      const a = artifact('DevnetProbe');
      const tx = await tw.transactionBuilder.createSmartContract(
        { abi: a.abi as never, bytecode: a.bytecode, feeLimit: FEE_LIMIT, name: 'DevnetProbe' },
        owner.hex,
      );
      const expected = `41${hex(keccak_256(Buffer.from(tx.txID + owner.hex, 'hex'))).slice(24)}`;
      const res = await tw.trx.sendRawTransaction(await tw.trx.sign(tx));
      assert.equal(res.result, true, JSON.stringify(res));

      const receipt = await info(tx.txID);
      assert.equal(receipt.contract_address, expected);
      assert.equal(receipt.receipt.result, 'SUCCESS');
      const c = await post(devnet, 'wallet/getcontract', { value: expected });
      assert.equal(c.contract_address, expected);
      assert.equal(c.trx_hash, tx.txID);
      assert.equal((await account(expected)).type, 'Contract');
    });

    it('serves the abi, the deployed bytecode and the settings from getcontract', async () => {
      const a = artifact('DevnetProbe');
      const c = await post(devnet, 'wallet/getcontract', { value: probeHex });
      assert.equal(c.origin_address, owner.hex);
      assert.equal(c.contract_address, probeHex);
      assert.deepEqual(c.abi, { entrys: javaTronAbi(a.abi as Json[]) });
      assert.equal(c.bytecode, a.bytecode);
      assert.equal(c.name, 'DevnetProbe');
      assert.equal(c.consume_user_resource_percent, 100);
      assert.equal(c.origin_energy_limit, ORIGIN_ENERGY_LIMIT);

      const viaTronWeb = await tw.trx.getContract(probe.address);
      assert.equal(viaTronWeb.contract_address, probeHex);
    });

    it('answers getcontract for an address without a contract with an Error', async () => {
      const nobody = fresh('no-contract');
      assert.deepEqual(await post(devnet, 'wallet/getcontract', { value: nobody.hex }), {
        Error: 'class java.lang.NullPointerException : null',
      });
      assert.deepEqual(await post(devnet, 'wallet/getcontract', { value: owner.hex }), {
        Error: 'class java.lang.NullPointerException : null',
      });
      await assert.rejects(tw.trx.getContract(nobody.base58), /Contract does not exist/);
    });

    it('credits the constructor call value to the contract', async () => {
      const c = await account(probeHex);
      assert.equal(c.balance, PROBE_FUNDS);
      assert.equal(c.type, 'Contract');
    });
  });

  describe('when a contract method is sent and called', () => {
    let txid: string;
    let before_: number;

    before(async () => {
      before_ = await balance(owner.hex);
      txid = await probe.store(7, 1234, 'hello').send({ feeLimit: FEE_LIMIT });
    });

    it('returns the stored value from call()', async () => {
      assert.equal(await probe.valueOf(7).call(), 1234n);
    });

    it('reports the receipt with fee = energy_fee + net fee and charges exactly that', async () => {
      const r = await info(txid);
      const usage = r.receipt.energy_usage_total as number;
      assert.ok(usage > 20_000, `energy_usage_total ${usage}`);
      assert.equal(r.receipt.energy_fee, usage * Number(ENERGY_PRICE));
      assert.equal(r.receipt.result, 'SUCCESS');
      const tx = await post(devnet, 'wallet/gettransactionbyid', { value: txid });
      assert.equal(r.receipt.net_usage, bandwidthOf(tx));
      assert.equal(r.receipt.net_fee, undefined);
      assert.equal(r.fee, r.receipt.energy_fee + (r.receipt.net_fee ?? 0));
      assert.deepEqual(r.contractResult, ['']);
      assert.equal(r.contract_address, probeHex);
      assert.equal(r.result, undefined);
      assert.equal(await balance(owner.hex), before_ - r.fee);
    });

    it('logs Stored with the 20-byte contract address, indexed topics and ABI data', async () => {
      const r = await info(txid);
      const coder = new utils.ethersUtils.AbiCoder();
      assert.deepEqual(r.log, [
        {
          address: probeHex.slice(2),
          topics: [
            hex(keccak_256(Buffer.from('Stored(address,uint256,uint256,string)'))),
            `000000000000000000000000${owner.hex.slice(2)}`,
            uint(7),
          ],
          data: coder.encode(['uint256', 'string'], [1234, 'hello']).slice(2),
        },
      ]);
    });

    it('serves the signed transaction from gettransactionbyid', async () => {
      const tx = await post(devnet, 'wallet/gettransactionbyid', { value: txid });
      assert.equal(tx.txID, txid);
      assert.deepEqual(tx.ret, [{ contractRet: 'SUCCESS' }]);
      assert.equal(hex(sha256(Buffer.from(tx.raw_data_hex, 'hex'))), txid);
      const value = tx.raw_data.contract[0].parameter.value;
      assert.equal(tx.raw_data.contract[0].type, 'TriggerSmartContract');
      assert.equal(value.owner_address, owner.hex);
      assert.equal(value.contract_address, probeHex);
      assert.equal(tx.raw_data.fee_limit, FEE_LIMIT);
      assert.equal(utils.crypto.ecRecover(txid, tx.signature[0]).toLowerCase(), owner.hex);
      assert.deepEqual(await tw.trx.getTransaction(txid), tx);
    });

    it('lists the receipts of a block from gettransactioninfobyblocknum', async () => {
      const r = await info(txid);
      assert.deepEqual(await post(devnet, 'wallet/gettransactioninfobyblocknum', { num: r.blockNumber }), [r]);
    });

    it('answers gettransactionbyid and gettransactioninfobyid for an unknown id with {}', async () => {
      assert.deepEqual(await post(devnet, 'wallet/gettransactionbyid', { value: 'ab'.repeat(32) }), {});
      assert.deepEqual(await info('ab'.repeat(32)), {});
    });
  });

  describe('when triggerconstantcontract runs a view', () => {
    it('returns the ABI result, the energy used and an unsigned transaction', async () => {
      await probe.store(8, 99, '').send({ feeLimit: FEE_LIMIT });
      const r = await post(devnet, 'wallet/triggerconstantcontract', {
        owner_address: owner.hex,
        contract_address: probeHex,
        function_selector: 'valueOf(uint256)',
        parameter: uint(8),
      });
      assert.deepEqual(r.result, { result: true });
      assert.deepEqual(r.constant_result, [uint(99)]);
      assert.ok(r.energy_used > 0 && r.energy_used < 10_000, `energy_used ${r.energy_used}`);
      assert.deepEqual(r.transaction.ret, [{}]);
      assert.equal(
        r.transaction.raw_data.contract[0].parameter.value.data,
        `${hex(keccak_256(Buffer.from('valueOf(uint256)'))).slice(0, 8)}${uint(8)}`,
      );
      assert.equal(hex(sha256(Buffer.from(r.transaction.raw_data_hex, 'hex'))), r.transaction.txID);
    });

    it('runs in the context of the head block, with CHAINID from the genesis block id', async () => {
      const genesis = await post(devnet, 'wallet/getblockbynum', { num: 0 });
      const h = await head();
      const [chainId, time, number, coinbase, bal] = await probe.context().call();
      assert.equal(chainId, BigInt(`0x${genesis.blockID.slice(-8)}`));
      assert.equal(number, BigInt(h.block_header.raw_data.number));
      assert.equal(time, BigInt(Math.floor(h.block_header.raw_data.timestamp / 1000)));
      assert.equal((tw.address.toHex(coinbase) as string).toLowerCase(), h.block_header.raw_data.witness_address);
      assert.equal(bal, BigInt(await balance(probeHex)));
    });
  });

  describe('when estimateenergy prices a call', () => {
    it('returns an energy_required that is enough, while much less runs OUT_OF_ENERGY', async () => {
      const params = [
        { type: 'uint256', value: 11 },
        { type: 'uint256', value: 5 },
        { type: 'string', value: 'estimate' },
      ];
      const est = await tw.transactionBuilder.estimateEnergy(
        probe.address,
        'store(uint256,uint256,string)',
        {},
        params,
        owner.hex,
      );
      assert.deepEqual(est.result, { result: true });
      const required = est.energy_required as number;
      assert.ok(required > 20_000, `energy_required ${required}`);

      const starved = await probe
        .store(11, 5, 'estimate')
        .send({ feeLimit: Math.floor(required / 2) * Number(ENERGY_PRICE) });
      const bad = await info(starved);
      assert.equal(bad.receipt.result, 'OUT_OF_ENERGY');
      assert.equal(bad.receipt.energy_usage_total, Math.floor(required / 2));
      assert.equal(bad.result, 'FAILED');
      assert.equal(await probe.valueOf(11).call(), 0n);

      const enough = await probe.store(11, 5, 'estimate').send({ feeLimit: required * Number(ENERGY_PRICE) });
      const ok = await info(enough);
      assert.equal(ok.receipt.result, 'SUCCESS');
      assert.ok(ok.receipt.energy_usage_total <= required, `${ok.receipt.energy_usage_total} > ${required}`);
      assert.equal(await probe.valueOf(11).call(), 5n);
    });
  });

  describe('when a contract deploys a child with CREATE2', () => {
    it('puts it at keccak256(0x41 ++ deployer ++ salt ++ keccak256(initcode))[12:]', async () => {
      const child = artifact('Child');
      const salt = `0x${hex(sha256(Buffer.from('create2 salt')))}`;
      const [txid, returned] = await probe
        .deployChild(salt)
        .send({ feeLimit: FEE_LIMIT, shouldPollResponse: true, keepTxID: true });
      const pre = Buffer.concat([
        Buffer.from([0x41]),
        Buffer.from(probeHex.slice(2), 'hex'),
        Buffer.from(salt.slice(2), 'hex'),
        Buffer.from(keccak_256(Buffer.from(child.bytecode, 'hex'))),
      ]);
      const expected = `41${hex(keccak_256(pre)).slice(24)}`;
      assert.equal(
        utils.address.getCreate2Address({ from: probeHex, salt, initCode: child.bytecode, addressFormat: 'hex' }),
        expected,
      );
      assert.equal((tw.address.toHex(returned) as string).toLowerCase(), expected);

      const born = await post(devnet, 'wallet/triggerconstantcontract', {
        owner_address: owner.hex,
        contract_address: expected,
        function_selector: 'born()',
      });
      assert.deepEqual(born.constant_result, [uint((await info(txid)).blockNumber)]);
    });
  });

  describe('when TRX goes to an address that does not exist yet', () => {
    it('activates it through a transfer, burning 1_100_000 sun with receipt.net_fee 100000', async () => {
      const to = fresh('activated-by-transfer');
      assert.deepEqual(await account(to.hex), {});
      const before_ = await balance(owner.hex);
      const res = await tw.trx.sendTrx(to.base58, 2_000_000);
      assert.equal(res.result, true, JSON.stringify(res));

      const r = await info(res.transaction.txID);
      assert.equal(r.fee, 1_100_000);
      assert.deepEqual(r.receipt, { net_fee: 100_000 });
      assert.deepEqual(r.contractResult, ['']);
      assert.equal(r.contract_address, undefined);
      const acct = await account(to.hex);
      assert.equal(acct.address, to.hex);
      assert.equal(acct.balance, 2_000_000);
      assert.equal(acct.create_time, r.blockTimeStamp);
      assert.equal(await balance(owner.hex), before_ - 2_000_000 - 1_100_000);
    });

    it('activates it when a contract pays it', async () => {
      const to = fresh('activated-by-contract');
      const probeBefore = await balance(probeHex);
      const txid = await probe.pay(to.base58, 1_500_000).send({ feeLimit: FEE_LIMIT });
      const r = await info(txid);
      assert.equal(r.receipt.result, 'SUCCESS');
      const acct = await account(to.hex);
      assert.equal(acct.address, to.hex);
      assert.equal(acct.balance, 1_500_000);
      assert.equal(await balance(probeHex), probeBefore - 1_500_000);
    });

    it('uses free bandwidth for a transfer to an existing account, without a fee', async () => {
      const sender = devnet.accounts[8]!;
      const to = devnet.accounts[7]!;
      const resBefore = await post(devnet, 'wallet/getaccountresource', { address: sender.hex });
      // Nobody stakes on this devnet: the weights are 0, which java-tron leaves out.
      assert.deepEqual(resBefore, {
        freeNetLimit: 600,
        TotalNetLimit: 43_200_000_000,
        TotalEnergyLimit: 180_000_000_000,
      });
      const before_ = await balance(sender.hex);
      const res = await tronWebFor(devnet, 8).trx.sendTrx(to.address, 1_000);
      assert.equal(res.result, true, JSON.stringify(res));
      const r = await info(res.transaction.txID);
      assert.equal(r.fee, undefined);
      assert.deepEqual(r.receipt, { net_usage: bandwidthOf(res.transaction) });
      assert.equal(await balance(sender.hex), before_ - 1_000);
      const resAfter = await post(devnet, 'wallet/getaccountresource', { address: sender.hex });
      assert.equal(resAfter.freeNetUsed, bandwidthOf(res.transaction));
      assert.equal(resAfter.freeNetLimit, 600);
    });
  });

  describe('when blocks are read', () => {
    let n: number;
    let txid: string;

    before(async () => {
      const res = await tw.trx.sendTrx(devnet.accounts[6]!.address, 1);
      txid = res.transaction.txID;
      n = (await info(txid)).blockNumber;
    });

    it('serves the head from getnowblock, with the transaction just sealed', async () => {
      const b = await head();
      assert.equal(b.block_header.raw_data.number, n);
      assert.equal(b.blockID.slice(0, 16), n.toString(16).padStart(16, '0'));
      assert.deepEqual(
        b.transactions.map((t: Json) => t.txID),
        [txid],
      );
      const viaTronWeb = await tw.trx.getCurrentBlock();
      assert.equal(viaTronWeb.blockID, b.blockID);
    });

    it('serves the same block from getblockbynum, getblockbyid and getblock', async () => {
      const byNum = await post(devnet, 'wallet/getblockbynum', { num: n });
      const prev = await post(devnet, 'wallet/getblockbynum', { num: n - 1 });
      assert.equal(byNum.block_header.raw_data.parentHash, prev.blockID);
      assert.deepEqual(await post(devnet, 'wallet/getblockbyid', { value: byNum.blockID }), byNum);
      assert.deepEqual(await post(devnet, 'wallet/getblock', { id_or_num: String(n), detail: true }), byNum);
      assert.deepEqual(await post(devnet, 'wallet/getblock', { id_or_num: byNum.blockID, detail: true }), byNum);
      const { transactions, ...header } = byNum;
      assert.equal(transactions.length, 1);
      assert.deepEqual(await post(devnet, 'wallet/getblock', { id_or_num: String(n), detail: false }), header);
      assert.deepEqual(await post(devnet, 'wallet/getblock', { detail: false }), header);
      assert.deepEqual((await get(devnet, `wallet/getblock?id_or_num=${n}&detail=true`)).body, byNum);
      assert.deepEqual(await tw.trx.getBlock(n), byNum);
    });

    it('answers for blocks that do not exist with {}', async () => {
      assert.deepEqual(await post(devnet, 'wallet/getblockbynum', { num: n + 100 }), {});
      assert.deepEqual(await post(devnet, 'wallet/getblockbyid', { value: '00'.repeat(32) }), {});
      assert.deepEqual(await post(devnet, 'wallet/getblock', { id_or_num: String(n + 100) }), {});
    });

    it('serves the genesis block without a number, and its id ends in the CHAINID', async () => {
      const g = await post(devnet, 'wallet/getblockbynum', { num: 0 });
      assert.equal(g.block_header.raw_data.number, undefined);
      assert.equal(g.block_header.raw_data.parentHash, '00'.repeat(32));
      assert.equal(g.blockID.slice(0, 16), '0'.repeat(16));
      assert.equal(g.transactions, undefined);
    });

    it('serves ranges from getblockbylimitnext (end exclusive) and getblockbylatestnum', async () => {
      const numbers = (r: Json): number[] =>
        r.block.map((b: Json) => b.block_header.raw_data.number).sort((a: number, b: number) => a - b);
      assert.deepEqual(numbers(await post(devnet, 'wallet/getblockbylimitnext', { startNum: n - 2, endNum: n + 1 })), [
        n - 2,
        n - 1,
        n,
      ]);
      assert.deepEqual(numbers(await post(devnet, 'wallet/getblockbylatestnum', { num: 3 })), [n - 2, n - 1, n]);
      assert.deepEqual(await post(devnet, 'wallet/getblockbylimitnext', { startNum: n, endNum: n }), {});
      assert.deepEqual(await post(devnet, 'wallet/getblockbylimitnext', { startNum: 1, endNum: 102 }), {});
      assert.deepEqual(await post(devnet, 'wallet/getblockbylatestnum', { num: 0 }), {});
      // java-tron serves 1 to 99 latest blocks, and {} from 100 up, however short the chain.
      assert.deepEqual(await post(devnet, 'wallet/getblockbylatestnum', { num: 100 }), {});
      assert.equal((await post(devnet, 'wallet/getblockbylatestnum', { num: 99 })).block.length, n + 1);
      const range = await tw.trx.getBlockRange(n - 1, n);
      assert.deepEqual(
        range.map((b) => b.block_header.raw_data.number),
        [n - 1, n],
      );
    });

    it('serves the solidified head from walletsolidity/getnowblock (no lag here)', async () => {
      assert.deepEqual(await post(devnet, 'walletsolidity/getnowblock'), await head());
    });

    it('reports the head and solidified blocks from getnodeinfo', async () => {
      const b = await head();
      const node = await tw.trx.getNodeInfo();
      assert.equal(node.block, `Num:${n},ID:${b.blockID}`);
      assert.equal(node.solidityBlock, `Num:${n},ID:${b.blockID}`);
    });
  });

  describe('when the chain parameters are read', () => {
    it('reports getEnergyFee as the configured energy price and the fee schedule the node charges', async () => {
      const params = await tw.trx.getChainParameters();
      const byKey = new Map(params.map((p) => [p.key, p]));
      assert.deepEqual(byKey.get('getEnergyFee'), { key: 'getEnergyFee', value: Number(ENERGY_PRICE) });
      assert.deepEqual(byKey.get('getCreateAccountFee'), { key: 'getCreateAccountFee', value: 100_000 });
      assert.deepEqual(byKey.get('getCreateNewAccountFeeInSystemContract'), {
        key: 'getCreateNewAccountFeeInSystemContract',
        value: 1_000_000,
      });
      assert.deepEqual(byKey.get('getTransactionFee'), { key: 'getTransactionFee', value: 1000 });
      assert.deepEqual(byKey.get('getFreeNetLimit'), { key: 'getFreeNetLimit', value: 600 });
      assert.deepEqual(byKey.get('getMaxFeeLimit'), { key: 'getMaxFeeLimit', value: 15_000_000_000 });
      // java-tron leaves `value` out when it is 0.
      assert.deepEqual(byKey.get('getAllowAdaptiveEnergy'), { key: 'getAllowAdaptiveEnergy' });
      const raw = await post(devnet, 'wallet/getchainparameters');
      assert.deepEqual(raw.chainParameter, params);
    });
  });

  describe('when accounts are read', () => {
    it('serves an untouched genesis account with its balance and permissions', async () => {
      const a = devnet.accounts[9]!;
      const acct = await account(a.hex);
      assert.equal(acct.address, a.hex);
      assert.equal(acct.balance, 1_000_000_000_000);
      assert.deepEqual(acct.owner_permission, {
        permission_name: 'owner',
        threshold: 1,
        keys: [{ address: a.hex, weight: 1 }],
      });
      assert.equal(await tw.trx.getBalance(a.address), 1_000_000_000_000);
    });

    it('answers getaccount and getaccountresource for a missing account with {}', async () => {
      const nobody = fresh('never-funded');
      assert.deepEqual(await account(nobody.hex), {});
      assert.deepEqual(await post(devnet, 'wallet/getaccountresource', { address: nobody.hex }), {});
    });

    it('prints base58 addresses with visible=true', async () => {
      const a = devnet.accounts[9]!;
      const acct = await post(devnet, 'wallet/getaccount', { address: a.address, visible: true });
      assert.equal(acct.address, a.address);
      assert.deepEqual(acct.owner_permission.keys, [{ address: a.address, weight: 1 }]);
      const probe58 = tw.address.fromHex(probeHex);
      const c = await post(devnet, 'wallet/getcontract', { value: probe58, visible: true });
      assert.equal(c.contract_address, probe58);
      assert.equal(c.origin_address, owner.address);
      const viaGet = await get(devnet, `wallet/getaccount?address=${a.address}&visible=true`);
      assert.equal(viaGet.body.address, a.address);

      const txid = await probe.store(9, 1, 'visible').send({ feeLimit: FEE_LIMIT });
      const r = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid, visible: true });
      assert.equal(r.contract_address, probe58);
      assert.equal(r.log[0].address, probe58);
      const tx = await post(devnet, 'wallet/gettransactionbyid', { value: txid, visible: true });
      assert.equal(tx.visible, true);
      assert.equal(tx.raw_data.contract[0].parameter.value.owner_address, owner.address);
      assert.equal(tx.raw_data.contract[0].parameter.value.contract_address, probe58);
    });

    it('prints int64 values as strings on a GET with int64_as_string=true', async () => {
      const a = devnet.accounts[9]!;
      const { body } = await get(devnet, `wallet/getaccount?address=${a.hex}&int64_as_string=true`);
      assert.equal(body.balance, '1000000000000');
      assert.equal(body.net_window_size, '28800000');
      assert.equal(body.owner_permission.threshold, 1);
      assert.equal(await tw.trx.raw.getBalance(a.address), '1000000000000');

      const h = await head();
      const n = h.block_header.raw_data.number as number;
      const block = (await get(devnet, `wallet/getblock?id_or_num=${n}&detail=true&int64_as_string=true`)).body;
      assert.equal(block.block_header.raw_data.number, String(n));
      assert.equal(block.block_header.raw_data.timestamp, String(h.block_header.raw_data.timestamp));
      assert.equal(block.block_header.raw_data.version, 32);
    });

    it('ignores int64_as_string in a POST body, as java-tron honours it only on GET', async () => {
      const a = devnet.accounts[9]!;
      const acct = await post(devnet, 'wallet/getaccount', { address: a.hex, int64_as_string: true });
      assert.equal(acct.balance, 1_000_000_000_000);
    });
  });

  describe('when transactions come in through createtransaction and broadcasthex', () => {
    it('builds an unsigned transfer referencing the head block that TronWeb signs and broadcasts', async () => {
      const to = devnet.accounts[5]!;
      const h = await head();
      const tx = await post(devnet, 'wallet/createtransaction', {
        owner_address: owner.hex,
        to_address: to.hex,
        amount: 1000,
      });
      assert.equal(tx.visible, false);
      assert.deepEqual(tx.raw_data.contract, [
        {
          parameter: {
            value: { amount: 1000, owner_address: owner.hex, to_address: to.hex },
            type_url: 'type.googleapis.com/protocol.TransferContract',
          },
          type: 'TransferContract',
        },
      ]);
      const n = h.block_header.raw_data.number as number;
      assert.equal(tx.raw_data.ref_block_bytes, n.toString(16).padStart(4, '0').slice(-4));
      assert.equal(tx.raw_data.ref_block_hash, h.blockID.slice(16, 32));
      assert.equal(tx.raw_data.expiration, h.block_header.raw_data.timestamp + 60_000);
      assert.equal(hex(sha256(Buffer.from(tx.raw_data_hex, 'hex'))), tx.txID);
      assert.equal(utils.transaction.txPbToRawDataHex(utils.transaction.txJsonToPb(tx)).toLowerCase(), tx.raw_data_hex);

      const before_ = await balance(to.hex);
      const res = await tw.trx.sendRawTransaction((await tw.trx.sign(tx as never)) as never);
      assert.equal(res.result, true, JSON.stringify(res));
      assert.equal(await balance(to.hex), before_ + 1000);
    });

    it('builds with base58 addresses when visible=true', async () => {
      const to = devnet.accounts[5]!;
      const tx = await post(devnet, 'wallet/createtransaction', {
        owner_address: owner.address,
        to_address: to.address,
        amount: 5,
        visible: true,
      });
      assert.equal(tx.visible, true);
      assert.deepEqual(tx.raw_data.contract[0].parameter.value, {
        amount: 5,
        owner_address: owner.address,
        to_address: to.address,
      });
    });

    it('accepts a hex-encoded signed transaction through broadcasthex', async () => {
      const to = devnet.accounts[4]!;
      const signed = (await tw.trx.sign(
        await tw.transactionBuilder.sendTrx(to.address, 777, owner.address),
      )) as unknown as Json;
      const before_ = await balance(to.hex);
      const res = (await tw.trx.sendHexTransaction(hex(signedTxBytes(signed)))) as unknown as Json;
      assert.equal(res.result, true, JSON.stringify(res));
      assert.equal(res.code, 'SUCCESS');
      assert.equal(res.message, '');
      assert.equal(res.txid, signed.txID);
      assert.equal(res.transaction.txID, signed.txID);
      assert.equal(res.transaction.visible, true);
      assert.deepEqual(res.transaction.raw_data.contract[0].parameter.value, {
        amount: 777,
        owner_address: owner.address,
        to_address: to.address,
      });
      assert.deepEqual(
        res.transaction.signature,
        signed.signature.map((s: string) => s.toLowerCase()),
      );
      assert.equal(await balance(to.hex), before_ + 777);
      assert.equal((await info(signed.txID)).id, signed.txID);
    });

    it('answers the same hex a second time with DUP_TRANSACTION_ERROR and a plain-text message', async () => {
      const signed = (await tw.trx.sign(
        await tw.transactionBuilder.sendTrx(devnet.accounts[4]!.address, 778, owner.address),
      )) as unknown as Json;
      const txHex = hex(signedTxBytes(signed));
      assert.equal((await post(devnet, 'wallet/broadcasthex', { transaction: txHex })).result, true);
      const again = await post(devnet, 'wallet/broadcasthex', { transaction: txHex });
      assert.equal(again.result, false);
      assert.equal(again.code, 'DUP_TRANSACTION_ERROR');
      assert.equal(again.message, 'Dup transaction.');
      assert.equal(again.txid, signed.txID);
      assert.equal(JSON.parse(again.transaction).txID, signed.txID);
    });
  });
});

describe('when the solidified head trails the head by 2 blocks', () => {
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet({ solidityLag: 2 });
    await tre(devnet, 'tre_mine', [3]);
  });

  after(async () => {
    await devnet?.close();
  });

  it('serves head - 2 from walletsolidity/getnowblock and getnodeinfo.solidityBlock', async () => {
    const h = await post(devnet, 'wallet/getnowblock');
    const n = h.block_header.raw_data.number as number;
    const solid = await post(devnet, 'walletsolidity/getnowblock');
    assert.equal(solid.block_header.raw_data.number, n - 2);
    assert.deepEqual(solid, await post(devnet, 'wallet/getblockbynum', { num: n - 2 }));
    const node = await post(devnet, 'wallet/getnodeinfo');
    assert.equal(node.block, `Num:${n},ID:${h.blockID}`);
    assert.equal(node.solidityBlock, `Num:${n - 2},ID:${solid.blockID}`);
  });

  it('hides blocks above the solidified head from walletsolidity/getblockbynum', async () => {
    const n = (await post(devnet, 'wallet/getnowblock')).block_header.raw_data.number as number;
    assert.deepEqual(await post(devnet, 'walletsolidity/getblockbynum', { num: n }), {});
    assert.equal(
      (await post(devnet, 'walletsolidity/getblockbynum', { num: n - 2 })).block_header.raw_data.number,
      n - 2,
    );
  });
});

/**
 * The devnet's refusals and failures, each produced by a real request and compared with java-tron's
 * exact response: broadcast error codes and messages, revert data of calls and of sealed
 * transactions, and energy exhaustion at the fee limit.
 */
import { strict as assert } from 'node:assert';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { TronWeb, utils } from 'tronweb';
import {
  artifact,
  post,
  startDevnet,
  tre,
  tronWebFor,
  utf8,
  type Devnet,
  freshAccount,
  type FreshAccount,
} from '../helpers/devnet.js';

const ENERGY_PRICE = 210n;
const FEE_LIMIT = 1_000_000_000;

type Json = Record<string, any>;

const fresh = (label: string): FreshAccount => freshAccount(`errors.test/${label}`);

function hexOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

function selector(signature: string): string {
  return Buffer.from(keccak_256(Buffer.from(signature)))
    .toString('hex')
    .slice(0, 8);
}

/** A copy of an unsigned transaction with `edit` applied to raw_data and txID/raw_data_hex recomputed. */
function rebuilt(tx: Json, edit: (raw: Json) => void): Json {
  const copy = structuredClone(tx);
  delete copy.signature;
  edit(copy.raw_data);
  const pb = utils.transaction.txJsonToPb(copy);
  copy.raw_data_hex = utils.transaction.txPbToRawDataHex(pb).toLowerCase();
  copy.txID = utils.transaction.txPbToTxID(pb).replace(/^0x/, '');
  return copy;
}

/** Signs a transaction with any key (TronWeb's `trx.sign` only signs for the owner). */
function signedBy(tx: Json, privateKey: string): Json {
  return utils.crypto.signTransaction(privateKey, structuredClone(tx)) as Json;
}

/** java-tron's bandwidth for a transaction: its size without `ret` plus 64 bytes of result room. */
function bandwidthOf(tx: Json): number {
  const pb = utils.transaction.txJsonToPb(tx) as any;
  for (const s of tx.signature as string[]) pb.addSignature(Buffer.from(s, 'hex'));
  return (pb.serializeBinary() as Uint8Array).length + 64;
}

describe('devnet errors', function () {
  let devnet: Devnet;
  let tw: TronWeb;
  let owner: { address: string; hex: string; privateKey: string };
  let probe: any;
  let probeHex: string;

  /** Signs with the owner's key through TronWeb (which checks txID against raw_data first). */
  async function sign(tx: Json): Promise<Json> {
    return (await tw.trx.sign(tx as never)) as unknown as Json;
  }

  async function broadcast(tx: Json): Promise<Json> {
    return post(devnet, 'wallet/broadcasttransaction', tx);
  }

  async function balance(address: string): Promise<number | undefined> {
    return (await post(devnet, 'wallet/getaccount', { address })).balance;
  }

  async function info(txid: string): Promise<Json> {
    return post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
  }

  /** An unsigned TRX transfer from the owner built by TronWeb. */
  async function transferTx(to: string, amount: number, from = owner.address): Promise<Json> {
    return (await tw.transactionBuilder.sendTrx(to, amount, from)) as unknown as Json;
  }

  /** Funds (and so activates) `to` from the owner. */
  async function fund(to: FreshAccount, amount: number): Promise<void> {
    const res = await tw.trx.sendTrx(to.base58, amount);
    assert.equal(res.result, true, JSON.stringify(res));
  }

  before(async () => {
    devnet = await startDevnet({ energyPrice: ENERGY_PRICE });
    tw = tronWebFor(devnet, 0);
    owner = devnet.accounts[0]!;
    const a = artifact('DevnetProbe');
    const tx = await tw.transactionBuilder.createSmartContract(
      { abi: a.abi as never, bytecode: a.bytecode, feeLimit: FEE_LIMIT, name: a.contractName },
      owner.hex,
    );
    const res = await tw.trx.sendRawTransaction(await tw.trx.sign(tx));
    assert.equal(res.result, true, JSON.stringify(res));
    probeHex = (tx as unknown as { contract_address: string }).contract_address;
    probe = tw.contract(a.abi as never, probeHex);
  });

  after(async () => {
    await devnet?.close();
  });

  describe('when the signature does not match the owner', () => {
    it('rejects with SIGERROR when another key signed the transaction', async () => {
      const other = fresh('other-signer');
      const tx = signedBy(await transferTx(devnet.accounts[1]!.address, 1), other.privateKey);
      assert.deepEqual(await broadcast(tx), {
        code: 'SIGERROR',
        message: hexOf(
          `Validate signature error: ${tx.txID} is signed by ${other.base58} but it is not contained of permission.`,
        ),
        txid: tx.txID,
      });
    });

    it('rejects with SIGERROR when raw_data.amount was changed after signing', async () => {
      const to = devnet.accounts[1]!;
      const signed = await sign(await transferTx(to.address, 1));
      const tampered = structuredClone(signed) as Json;
      tampered.raw_data.contract[0].parameter.value.amount = 1_000_000;
      // The node hashes raw_data as sent, so the txID changes and the signature recovers another key.
      const txid = rebuilt(tampered, () => undefined).txID;
      assert.notEqual(txid, signed.txID);
      const signer = TronWeb.address.fromHex(utils.crypto.ecRecover(txid, signed.signature[0]!));
      const before_ = await balance(to.hex);

      assert.deepEqual(await broadcast(tampered), {
        code: 'SIGERROR',
        message: hexOf(
          `Validate signature error: ${txid} is signed by ${signer} but it is not contained of permission.`,
        ),
        txid,
      });
      assert.equal(await balance(to.hex), before_);
    });

    it('rejects with SIGERROR a signature shorter than 65 bytes', async () => {
      const signed = await sign(await transferTx(devnet.accounts[1]!.address, 1));
      signed.signature = [signed.signature[0].slice(0, 128)];
      const res = await broadcast(signed);
      assert.equal(res.code, 'SIGERROR');
      assert.equal(utf8(res.message), 'Validate signature error: Signature size is 64');
    });
  });

  describe('when the same signed transaction is broadcast twice', () => {
    it('rejects the second with DUP_TRANSACTION_ERROR and moves the TRX once', async () => {
      const to = devnet.accounts[2]!;
      const signed = await sign(await transferTx(to.address, 3));
      const before_ = (await balance(to.hex))!;
      const first = await tw.trx.sendRawTransaction(signed as never);
      assert.equal(first.result, true, JSON.stringify(first));
      const second = (await tw.trx.sendRawTransaction(signed as never)) as Json;
      assert.equal(second.code, 'DUP_TRANSACTION_ERROR');
      assert.equal(utf8(second.message), 'Dup transaction.');
      assert.equal(second.txid, signed.txID);
      assert.equal(second.result, undefined);
      assert.equal(await balance(to.hex), before_ + 3);
    });
  });

  describe('when the reference block is not on the chain', () => {
    it('rejects with TAPOS_ERROR a ref_block_hash changed and re-signed', async () => {
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.ref_block_hash = raw.ref_block_hash === 'ffffffffffffffff' ? 'eeeeeeeeeeeeeeee' : 'ffffffffffffffff';
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'TAPOS_ERROR',
        message: hexOf('Tapos check error.'),
        txid: signed.txID,
      });
    });

    it('rejects with TAPOS_ERROR a ref_block_bytes naming a block not produced yet', async () => {
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.ref_block_bytes = 'fff0';
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'TAPOS_ERROR',
        message: hexOf('Tapos check error.'),
        txid: signed.txID,
      });
    });
  });

  describe('when the expiration is out of range', () => {
    it('rejects with TRANSACTION_EXPIRATION_ERROR an expiration before the head block time', async () => {
      const head = await post(devnet, 'wallet/getnowblock');
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.expiration = head.block_header.raw_data.timestamp - 1000;
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'TRANSACTION_EXPIRATION_ERROR',
        message: hexOf('Transaction expired'),
        txid: signed.txID,
      });
    });

    it('rejects with TRANSACTION_EXPIRATION_ERROR an expiration more than a day ahead', async () => {
      const head = await post(devnet, 'wallet/getnowblock');
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.expiration = head.block_header.raw_data.timestamp + 86_400_000 + 60_000;
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'TRANSACTION_EXPIRATION_ERROR',
        message: hexOf('Transaction expired'),
        txid: signed.txID,
      });
    });
  });

  describe('when a transfer fails validation', () => {
    it('rejects with CONTRACT_VALIDATE_ERROR a transfer above the balance', async () => {
      const poor = fresh('poor');
      await fund(poor, 5_000_000);
      const client = new TronWeb({ fullHost: devnet.url, privateKey: poor.privateKey });
      const res = (await client.trx.sendTrx(devnet.accounts[1]!.address, 6_000_000)) as Json;
      assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR');
      assert.equal(
        utf8(res.message),
        'Contract validate error : Validate TransferContract error, balance is not sufficient.',
      );
      assert.equal(await balance(poor.hex), 5_000_000);
    });

    it('rejects with CONTRACT_VALIDATE_ERROR an activation the balance cannot cover once the creation fee is burned', async () => {
      // 1_050_000 pays getCreateAccountFee (100_000), but then not amount + 1 TRX.
      const short = fresh('short-of-activation');
      await fund(short, 1_050_000);
      const client = new TronWeb({ fullHost: devnet.url, privateKey: short.privateKey });
      const res = (await client.trx.sendTrx(fresh('never-activated-1').base58, 1)) as Json;
      assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR');
      assert.equal(
        utf8(res.message),
        'Contract validate error : Validate TransferContract error, balance is not sufficient.',
      );
      assert.equal(await balance(short.hex), 1_050_000);
    });

    it('rejects with CONTRACT_VALIDATE_ERROR a transfer to yourself', async () => {
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.contract[0].parameter.value.to_address = owner.hex;
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'CONTRACT_VALIDATE_ERROR',
        message: hexOf('Contract validate error : Cannot transfer TRX to yourself.'),
        txid: signed.txID,
      });
    });

    it('rejects with CONTRACT_VALIDATE_ERROR TRX sent to a contract, as getForbidTransferToContract says', async () => {
      const before_ = await balance(probeHex);
      const res = (await tw.trx.sendTrx(TronWeb.address.fromHex(probeHex), 1)) as Json;
      assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR');
      assert.equal(utf8(res.message), 'Contract validate error : Cannot transfer TRX to a smartContract.');
      assert.equal(await balance(probeHex), before_);
      const params = await tw.trx.getChainParameters();
      assert.deepEqual(
        params.find((p) => p.key === 'getForbidTransferToContract'),
        { key: 'getForbidTransferToContract', value: 1 },
      );
    });

    it('rejects with CONTRACT_VALIDATE_ERROR a transfer from an account that does not exist', async () => {
      const ghost = fresh('ghost');
      const tx = rebuilt(await transferTx(devnet.accounts[1]!.address, 1), (raw) => {
        raw.contract[0].parameter.value.owner_address = ghost.hex;
      });
      const signed = signedBy(tx, ghost.privateKey);
      assert.deepEqual(await broadcast(signed), {
        code: 'CONTRACT_VALIDATE_ERROR',
        message: hexOf(`Contract validate error : account [${ghost.base58}] does not exist`),
        txid: signed.txID,
      });
    });
  });

  describe('when a call targets an address without a contract', () => {
    const eoa = (): string => devnet.accounts[3]!.hex;

    it('refuses to build it in triggersmartcontract with CONTRACT_VALIDATE_ERROR', async () => {
      const res = await post(devnet, 'wallet/triggersmartcontract', {
        owner_address: owner.hex,
        contract_address: eoa(),
        function_selector: 'store(uint256,uint256,string)',
        fee_limit: FEE_LIMIT,
      });
      assert.deepEqual(res, {
        result: { code: 'CONTRACT_VALIDATE_ERROR', message: hexOf('No contract or not a valid smart contract') },
      });
      await assert.rejects(
        tw.transactionBuilder.triggerSmartContract(eoa(), 'counter()', { feeLimit: FEE_LIMIT }, [], owner.hex),
        { message: 'No contract or not a valid smart contract' },
      );
    });

    it('refuses a constant call with CONTRACT_VALIDATE_ERROR', async () => {
      const res = await post(devnet, 'wallet/triggerconstantcontract', {
        owner_address: owner.hex,
        contract_address: eoa(),
        function_selector: 'counter()',
      });
      assert.deepEqual(res, {
        result: { code: 'CONTRACT_VALIDATE_ERROR', message: hexOf('No contract or not a smart contract') },
      });
    });

    it('rejects a signed TriggerSmartContract to it with CONTRACT_VALIDATE_ERROR', async () => {
      const { transaction } = await tw.transactionBuilder.triggerSmartContract(
        probeHex,
        'counter()',
        { feeLimit: FEE_LIMIT },
        [],
        owner.hex,
      );
      const tx = rebuilt(transaction as unknown as Json, (raw) => {
        raw.contract[0].parameter.value.contract_address = eoa();
      });
      const signed = await sign(tx);
      assert.deepEqual(await broadcast(signed), {
        code: 'CONTRACT_VALIDATE_ERROR',
        message: hexOf('Contract validate error : No contract or not a smart contract'),
        txid: signed.txID,
      });
    });
  });

  describe('when the owner cannot pay for bandwidth', () => {
    it('rejects with BANDWITH_ERROR once free bandwidth is used up and the balance is tiny', async () => {
      const spender = fresh('spender');
      await fund(spender, 1_000_000);
      const client = new TronWeb({ fullHost: devnet.url, privateKey: spender.privateKey });
      const to = devnet.accounts[1]!.address;
      let used = 0;
      for (let i = 0; i < 2; i++) {
        const res = await client.trx.sendTrx(to, 1 + i);
        assert.equal(res.result, true, JSON.stringify(res));
        assert.deepEqual((await info(res.transaction.txID)).receipt, { net_usage: bandwidthOf(res.transaction) });
        used += bandwidthOf(res.transaction);
      }
      const resource = await post(devnet, 'wallet/getaccountresource', { address: spender.hex });
      assert.equal(resource.freeNetUsed, used);
      assert.ok(600 - used < used / 2, `${600 - used} bytes of free bandwidth left`);

      await tre(devnet, 'tre_setAccountBalance', [spender.base58, '1000']);
      const res = (await client.trx.sendTrx(to, 3)) as Json;
      assert.equal(res.code, 'BANDWITH_ERROR');
      assert.equal(utf8(res.message), 'Account resource insufficient error.');
      assert.equal(await balance(spender.hex), 1000);
    });

    it('rejects with BANDWITH_ERROR an activation by an account holding less than the creation fee', async () => {
      const small = fresh('below-creation-fee');
      await fund(small, 50_000);
      const client = new TronWeb({ fullHost: devnet.url, privateKey: small.privateKey });
      const res = (await client.trx.sendTrx(fresh('never-activated-2').base58, 1)) as Json;
      assert.equal(res.code, 'BANDWITH_ERROR');
      assert.equal(utf8(res.message), 'Account resource insufficient error.');
      assert.equal(await balance(small.hex), 50_000);
    });
  });

  describe('when the request itself is unusable', () => {
    it('answers malformed JSON with java-tron\'s {"Error": ...}', async () => {
      const res = await fetch(`${devnet.url}/wallet/broadcasttransaction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"raw_data": {"contract": [',
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Json;
      assert.deepEqual(Object.keys(body), ['Error']);
      assert.match(body.Error, /^class com\.alibaba\.fastjson\.JSONException : /);
    });

    it('rejects a contract type the devnet does not execute and leaves the balance alone', async () => {
      // Stake 1.0's freeze: java-tron closed it when Stake 2.0 opened, and the devnet never had it.
      const tx = await tw.transactionBuilder.freezeBalance(1_000_000, 3, 'ENERGY', owner.address);
      const signed = await sign(tx as unknown as Json);
      const before_ = await balance(owner.hex);
      assert.deepEqual(await broadcast(signed), {
        code: 'CONTRACT_VALIDATE_ERROR',
        message: hexOf('Contract validate error : contract type FreezeBalanceContract is not supported by the devnet'),
        txid: signed.txID,
      });
      assert.equal(await balance(owner.hex), before_);
    });
  });

  describe('when a contract reverts', () => {
    it('returns REVERT opcode executed and Error(string) data from a constant call of fail("nope")', async () => {
      const coder = new utils.ethersUtils.AbiCoder();
      const res = await post(devnet, 'wallet/triggerconstantcontract', {
        owner_address: owner.hex,
        contract_address: probeHex,
        function_selector: 'fail(string)',
        parameter: coder.encode(['string'], ['nope']).slice(2),
      });
      assert.deepEqual(res.result, { result: true, message: hexOf('REVERT opcode executed') });
      assert.equal(utf8(res.result.message), 'REVERT opcode executed');
      assert.deepEqual(res.constant_result, [selector('Error(string)') + coder.encode(['string'], ['nope']).slice(2)]);
      assert.equal(coder.decode(['string'], `0x${String(res.constant_result[0]).slice(8)}`)[0], 'nope');
      assert.deepEqual(res.transaction.ret, [{ ret: 'FAILED' }]);
      await assert.rejects(probe.fail('nope').call(), { message: 'REVERT opcode executed' });
    });

    it('seals a store above 1e18 as REVERT with TooLarge(value, max) in contractResult', async () => {
      const coder = new utils.ethersUtils.AbiCoder();
      const value = 10n ** 18n + 1n;
      const before_ = (await balance(owner.hex))!;
      const txid = await probe.store(1, value, 'too much').send({ feeLimit: FEE_LIMIT });
      const r = await info(txid);
      assert.equal(r.receipt.result, 'REVERT');
      assert.equal(r.result, 'FAILED');
      assert.equal(r.resMessage, hexOf('REVERT opcode executed'));
      assert.equal(utf8(r.resMessage), 'REVERT opcode executed');
      assert.deepEqual(r.contractResult, [
        selector('TooLarge(uint256,uint256)') + coder.encode(['uint256', 'uint256'], [value, 10n ** 18n]).slice(2),
      ]);
      assert.equal(r.log, undefined);
      // A REVERT bills the energy used up to it, not the whole limit.
      assert.ok(
        r.receipt.energy_usage_total < FEE_LIMIT / Number(ENERGY_PRICE) / 100,
        `energy_usage_total ${r.receipt.energy_usage_total}`,
      );
      assert.equal(r.receipt.energy_fee, r.receipt.energy_usage_total * Number(ENERGY_PRICE));
      assert.equal(r.fee, r.receipt.energy_fee + (r.receipt.net_fee ?? 0));
      assert.equal(await balance(owner.hex), before_ - r.fee);
      const tx = await post(devnet, 'wallet/gettransactionbyid', { value: txid });
      assert.deepEqual(tx.ret, [{ contractRet: 'REVERT' }]);
      assert.equal(await probe.valueOf(1).call(), 0n);
      await assert.rejects(probe.store(1, value, 'again').send({ feeLimit: FEE_LIMIT, shouldPollResponse: true }), {
        message: 'REVERT opcode executed',
      });
    });
  });

  describe('when a call runs out of energy at its fee limit', () => {
    it('seals burn() with 10 TRX as OUT_OF_ENERGY, spending floor(feeLimit / price) energy', async () => {
      const feeLimit = 10_000_000;
      const before_ = (await balance(owner.hex))!;
      const txid = await probe.burn().send({ feeLimit });
      const r = await info(txid);
      const energy = Math.floor(feeLimit / Number(ENERGY_PRICE));
      assert.equal(r.receipt.result, 'OUT_OF_ENERGY');
      assert.equal(r.receipt.energy_usage_total, energy);
      assert.equal(r.receipt.energy_fee, energy * Number(ENERGY_PRICE));
      assert.equal(r.fee, energy * Number(ENERGY_PRICE) + (r.receipt.net_fee ?? 0));
      assert.equal(r.result, 'FAILED');
      assert.match(utf8(r.resMessage), /^Not enough energy/);
      assert.deepEqual(r.contractResult, ['']);
      assert.equal(await balance(owner.hex), before_ - r.fee);
      assert.equal(await probe.counter().call(), 0n);
      const tx = await post(devnet, 'wallet/gettransactionbyid', { value: txid });
      assert.deepEqual(tx.ret, [{ contractRet: 'OUT_OF_ENERGY' }]);
    });
  });
});

/** Small TronWeb actions the devnet tests share: transfers, deployments and DevnetProbe calls. */
import { strict as assert } from 'node:assert';
import type { TronWeb } from 'tronweb';
import { artifact, post, type Devnet } from './devnet.js';

export const FEE_LIMIT = 1_000_000_000;
/** Sun per TRX. */
export const TRX = 1_000_000;

/** Signs and broadcasts a TRX transfer; returns its txID. */
export async function transfer(tw: TronWeb, to: string, amount: number): Promise<string> {
  const res = await tw.trx.sendTrx(to, amount);
  assert.equal(res.result, true, JSON.stringify(res));
  return res.transaction.txID;
}

/** Deploys an artifact without TronWeb's fixed 3-second wait; returns the txID and base58 address. */
export async function deploy(tw: TronWeb, name: string): Promise<{ txid: string; address: string }> {
  const a = artifact(name);
  const tx = await tw.transactionBuilder.createSmartContract(
    { abi: a.abi as never, bytecode: a.bytecode, feeLimit: FEE_LIMIT, name: a.contractName },
    tw.defaultAddress.hex as string,
  );
  const res = await tw.trx.sendRawTransaction(await tw.trx.sign(tx));
  assert.equal(res.result, true, JSON.stringify(res));
  return {
    txid: tx.txID,
    address: tw.address.fromHex((tx as unknown as { contract_address: string }).contract_address),
  };
}

/** Sends DevnetProbe.store(slot, value, note); returns the txID. */
export async function store(tw: TronWeb, probe: string, slot: number, value: number, note: string): Promise<string> {
  const { transaction } = await tw.transactionBuilder.triggerSmartContract(
    probe,
    'store(uint256,uint256,string)',
    { feeLimit: FEE_LIMIT },
    [
      { type: 'uint256', value: slot },
      { type: 'uint256', value },
      { type: 'string', value: note },
    ],
    tw.defaultAddress.hex as string,
  );
  const res = await tw.trx.sendRawTransaction(await tw.trx.sign(transaction));
  assert.equal(res.result, true, JSON.stringify(res));
  return transaction.txID;
}

/** A 32-byte ABI word. */
export function uint(n: number | bigint): string {
  return BigInt(n).toString(16).padStart(64, '0');
}

/** DevnetProbe.valueOf(slot) through `<prefix>/triggerconstantcontract`. */
export async function probeValue(
  devnet: Devnet,
  prefix: 'wallet' | 'walletsolidity',
  probe: string,
  slot: number,
): Promise<bigint> {
  const r = await post(devnet, `${prefix}/triggerconstantcontract`, {
    owner_address: devnet.accounts[0]!.address,
    contract_address: probe,
    function_selector: 'valueOf(uint256)',
    parameter: uint(slot),
    visible: true,
  });
  assert.deepEqual(r.result, { result: true }, JSON.stringify(r));
  return BigInt(`0x${r.constant_result[0]}`);
}

/**
 * The devnet's read-only calls, as pieces Chain runs under its lock: building an unsigned
 * TriggerSmartContract, running a constant call, rewinding the state to an older block inside a
 * checkpoint (solidified reads, persistence) and searching the energy a call needs.
 */
import type { ChainCore } from './core.js';
import { DevnetError, TxRejected } from './errors.js';
import { hexToBytes } from './hex.js';
import type { AccountRecord, JournaledState } from './state.js';
import { buildUnsignedJson, contractValueJson } from './tx.js';
import type { Block, CallArgs, ConstantResult } from './types.js';
import type { TronVm } from './vm.js';

/** Builds the unsigned TriggerSmartContract java-tron returns from `wallet/triggersmartcontract`. */
export function buildTrigger(
  state: JournaledState,
  head: Block,
  now: () => number,
  a: CallArgs,
): ReturnType<typeof buildUnsignedJson> {
  const target = state.readAccount(a.contract.slice(2));
  if (!target?.code?.length) throw TxRejected.validate('No contract or not a valid smart contract');
  const value: Record<string, unknown> = contractValueJson({
    kind: 'TriggerSmartContract',
    owner: a.owner,
    contract: a.contract,
    callValue: a.callValue,
    data: a.data,
    callTokenValue: a.callTokenValue ?? 0n,
    tokenId: a.tokenId ?? 0n,
  });
  // java-tron always echoes data, even when empty, and TronWeb's check rebuilds it the same way.
  return buildUnsignedJson(
    'TriggerSmartContract',
    value,
    {
      refBlockBytes: head.number.toString(16).padStart(16, '0').slice(12, 16),
      refBlockHash: head.id.slice(16, 32),
      expiration: head.timestamp + 60_000,
      timestamp: now(),
      ...(a.feeLimit ? { feeLimit: a.feeLimit } : {}),
    },
    a.permissionId,
  );
}

/**
 * Runs a call on the head state, or the solidified one, inside a checkpoint it reverts, so none of
 * its effects are kept. The caller holds the chain's lock.
 */
export async function runConstantCall(
  core: ChainCore,
  vm: TronVm,
  a: CallArgs,
  solid: boolean,
  energyLimit: bigint,
): Promise<ConstantResult> {
  const { state } = core;
  const target = core.account(a.contract, solid);
  if (!target?.code?.length) throw TxRejected.validate('No contract or not a smart contract');
  await state.checkpoint();
  try {
    if (solid) core.rewindTo(core.solidifiedNumber);
    const base = solid ? core.history.blocks[core.solidifiedNumber]! : core.head;
    // java-tron runs constant calls in the context of the head block itself
    // (Wallet.callConstantContract): NUMBER and TIMESTAMP are the head's, not a next block's.
    const ctx = core.contextAt(base.number, base.timestamp);
    state.now = ctx.timestamp;
    const owner = state.readAccount(a.owner.slice(2));
    if (a.callValue > 0n && (owner?.balance ?? 0n) < a.callValue) {
      // A constant call may carry value the caller does not have; java-tron refuses it.
      throw TxRejected.validate('Validate InternalTransfer error, balance is not sufficient.');
    }
    const r = await vm.call({
      txID: '00'.repeat(32),
      caller: a.owner,
      to: a.contract,
      value: a.callValue,
      data: hexToBytes(a.data),
      energyLimit,
      block: ctx,
    });
    return {
      ret: r.ret,
      energyUsed: r.energyUsed,
      returnData: Buffer.from(r.returnData).toString('hex'),
      logs: r.logs,
      message: r.message,
    };
  } finally {
    await state.revert();
  }
}

/** Writes, inside the open checkpoint, the values the state had at `height`. */
export function rewindTo(state: JournaledState, blocks: readonly Block[], headNumber: number, height: number): void {
  const logs: ReadonlyMap<string, unknown>[] = [state.openLog];
  for (let n = headNumber; n > height; n--) {
    const log = blocks[n]!.undo;
    if (!log) throw new DevnetError(`history of block ${n} is no longer kept`);
    logs.push(log);
  }
  for (const log of logs) {
    for (const [key, prev] of log) {
      if (key.startsWith('a:')) state.writeAccount(key.slice(2), prev as AccountRecord | undefined);
      else {
        const [, addr, slot] = key.split(':') as [string, string, string];
        state.writeStorage(addr, slot, (prev as Uint8Array | undefined) ?? new Uint8Array());
      }
    }
  }
}

/**
 * Energy a call needs to succeed: the least limit that does not run out (binary search), with
 * `call` running it at a limit and `maxEnergy` what the largest fee limit buys.
 */
export async function leastEnergy(
  maxEnergy: bigint,
  call: (energyLimit: bigint) => Promise<ConstantResult>,
): Promise<{ ok: true; energy: bigint } | { ok: false; result: ConstantResult }> {
  const first = await call(maxEnergy);
  if (first.ret !== 'SUCCESS') return { ok: false, result: first };
  let lo = first.energyUsed;
  const atLo = await call(lo);
  if (atLo.ret === 'SUCCESS') return { ok: true, energy: lo };
  // The 63/64 rule of nested calls can need more than what was used.
  let hi = maxEnergy;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    const r = await call(mid);
    if (r.ret === 'SUCCESS') hi = mid;
    else lo = mid;
  }
  return { ok: true, energy: hi };
}

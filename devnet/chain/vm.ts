/**
 * Execution: an @ethereumjs EVM configured to behave like TRON's TVM for portable Solidity.
 *
 * - Opcodes of Istanbul plus PUSH0 (what solc emits for `evmVersion: shanghai`), without EIP-2929
 *   warm/cold pricing, which the TVM never adopted; energy prices of the TVM's table where they
 *   differ from Ethereum's (SLOAD 50, CALL 40, BALANCE 20, SSTORE 20000/5000).
 * - Addresses: deployments at TRON's address (see tx.ts), CREATE2 with the 0x41 prefix, internal
 *   CREATE from the root transaction id and a per-transaction nonce.
 * - DIFFICULTY and GASLIMIT are 0, GASPRICE is the energy price, TIMESTAMP is in seconds,
 *   BLOCKHASH returns TRON block ids.
 */
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, paramsEVM, type EVM, type Message } from '@ethereumjs/evm';
import { Address } from '@ethereumjs/util';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { internalCreateAddress } from './tx.js';
import type { JournaledState } from './state.js';

/** Outcome codes of TRON's `contractRet` / receipt `result`. */
export type ContractRet =
  | 'SUCCESS'
  | 'REVERT'
  | 'OUT_OF_ENERGY'
  | 'BAD_JUMP_DESTINATION'
  | 'STACK_TOO_SMALL'
  | 'STACK_TOO_LARGE'
  | 'ILLEGAL_OPERATION'
  | 'TRANSFER_FAILED'
  | 'UNKNOWN';

export interface VmLog {
  /** 20-byte hex address of the emitting contract (no `41`), as TRON logs carry it. */
  address: string;
  topics: string[];
  data: string;
}

export interface InternalTx {
  hash: string;
  caller_address: string;
  transferTo_address: string;
  callValueInfo: { callValue?: number }[];
  note: string;
  rejected?: boolean;
}

export interface ExecResult {
  ret: ContractRet;
  energyUsed: bigint;
  returnData: Uint8Array;
  logs: VmLog[];
  internal: InternalTx[];
  /** Human message for a failure (java-tron's `resMessage`). */
  message: string | undefined;
}

/** The block a transaction executes in. */
export interface BlockContext {
  number: number;
  /** Milliseconds, as TRON block headers carry it. */
  timestamp: number;
  /** `41...` address of the producing witness. */
  witness: string;
  /** Block id of a previous block, for BLOCKHASH. */
  blockId(number: number): string | undefined;
}

export interface CallParams {
  txID: string;
  caller: string;
  to: string;
  value: bigint;
  data: Uint8Array;
  energyLimit: bigint;
  block: BlockContext;
}

export interface CreateParams {
  txID: string;
  caller: string;
  address: string;
  value: bigint;
  initCode: Uint8Array;
  energyLimit: bigint;
  block: BlockContext;
}

/**
 * Jump-destination analysis of a contract's code is pure, but the EVM redoes it on every call:
 * about a millisecond for a 16 KB contract, paid again for every nested or view call. Code arrays
 * in JournaledState are immutable and shared by reference, so the analysis is cached per array.
 * The Interpreter class is not exported; its module is loaded by path (the version is pinned).
 */
async function cacheJumpAnalysis(): Promise<void> {
  // Depending on the loader, the EVM runs from the package's CommonJS or ES module build: patch both.
  const require = createRequire(import.meta.url);
  const cjsDir = path.dirname(require.resolve('@ethereumjs/evm'));
  const cjs = require(path.join(cjsDir, 'interpreter.js')) as InterpreterModule;
  const esm = (await import(pathToFileURL(path.join(cjsDir, '..', 'esm', 'interpreter.js')).href)) as InterpreterModule;
  for (const mod of [cjs, esm]) {
    const proto = mod.Interpreter?.prototype;
    const original = proto?._getValidJumpDestinations as ((code: Uint8Array) => unknown) | undefined;
    if (!proto || !original || (original as { cached?: boolean }).cached) continue;
    const cache = new WeakMap<Uint8Array, unknown>();
    const cached = function (this: unknown, code: Uint8Array): unknown {
      let r = cache.get(code);
      if (r === undefined) {
        r = original.call(this, code);
        cache.set(code, r);
      }
      return r;
    };
    (cached as { cached?: boolean }).cached = true;
    proto._getValidJumpDestinations = cached;
  }
}

type InterpreterModule = { Interpreter?: { prototype: Record<string, unknown> } };

/** Energy prices of the TVM table, as overrides of the EIP parameter sets that set them. */
function tvmParams(): typeof paramsEVM {
  const p = structuredClone(paramsEVM) as Record<number, Record<string, unknown>>;
  Object.assign(p[608]!, {
    sloadGas: 50,
    callGas: 40,
    extcodesizeGas: 20,
    extcodecopyGas: 20,
    balanceGas: 20,
    delegatecallGas: 40,
  });
  Object.assign(p[609]!, { staticcallGas: 40 });
  Object.assign(p[1679]!, {
    sloadGas: 50,
    balanceGas: 20,
    extcodehashGas: 400,
    // The TVM charges 5000 for any SSTORE that does not set a zero slot.
    sstoreNoopEIP2200Gas: 5000,
    sstoreDirtyEIP2200Gas: 5000,
  });
  return p as typeof paramsEVM;
}

const ERRORS: Record<string, ContractRet> = {
  'out of gas': 'OUT_OF_ENERGY',
  'code store out of gas': 'OUT_OF_ENERGY',
  revert: 'REVERT',
  'invalid JUMP': 'BAD_JUMP_DESTINATION',
  'stack underflow': 'STACK_TOO_SMALL',
  'stack overflow': 'STACK_TOO_LARGE',
  'invalid opcode': 'ILLEGAL_OPERATION',
  'static state change': 'ILLEGAL_OPERATION',
  'insufficient balance': 'TRANSFER_FAILED',
};

function failureMessage(ret: ContractRet, err: string, energyLimit: bigint): string {
  switch (ret) {
    case 'REVERT':
      return 'REVERT opcode executed';
    case 'OUT_OF_ENERGY':
      return `Not enough energy: the transaction used its whole energy limit of ${energyLimit}`;
    case 'BAD_JUMP_DESTINATION':
      return 'Bad jump destination';
    case 'STACK_TOO_SMALL':
      return 'Stack too small';
    case 'STACK_TOO_LARGE':
      return 'Stack too large';
    case 'ILLEGAL_OPERATION':
      return `Invalid operation code: ${err}`;
    case 'TRANSFER_FAILED':
      return 'transfer trx failed: balance is not sufficient';
    default:
      return err;
  }
}

function toAddress(tronHex: string): Address {
  return new Address(hexToBytes(tronHex.length === 42 ? tronHex.slice(2) : tronHex));
}

/** The devnet's virtual machine over a journaled state. */
export class TronVm {
  readonly #evm: EVM;
  readonly #state: JournaledState;
  readonly #energyPrice: bigint;
  // Per-execution context read by the address-generation hook.
  #txID = '';
  #deployAddress: string | undefined;
  #createNonce = 0;
  #createAddresses = new WeakMap<Message, Address>();
  #internal: InternalTx[] = [];
  #internalStack: InternalTx[] = [];
  #block: BlockContext | undefined;

  private constructor(evm: EVM, state: JournaledState, energyPrice: bigint) {
    this.#evm = evm;
    this.#state = state;
    this.#energyPrice = energyPrice;
    // biome-ignore lint/suspicious/noExplicitAny: _generateAddress is an internal EVM hook with no public type (TRON derives CREATE addresses from the tx id)
    (evm as any)._generateAddress = async (message: Message): Promise<Address> => this.#generateAddress(message);
    evm.events!.on('beforeMessage', (m: Message) => this.#beforeMessage(m));
    evm.events!.on('afterMessage', (r: { execResult: { exceptionError?: unknown } }) => this.#afterMessage(r));
  }

  /** Creates a VM whose CHAINID is `chainId` and whose GASPRICE is the energy price. */
  static async create(state: JournaledState, opts: { chainId: bigint; energyPrice: bigint }): Promise<TronVm> {
    await cacheJumpAnalysis();
    const common = createCustomCommon({ chainId: Number(opts.chainId), name: 'tron-devnet' }, Mainnet, {
      hardfork: Hardfork.Istanbul,
      eips: [3855],
    });
    const vm = { blockId: (_n: number): string | undefined => undefined };
    const evm = await createEVM({
      common,
      stateManager: state,
      params: tvmParams(),
      blockchain: {
        getBlock: async (n: number) => ({ hash: () => hexToBytes(vm.blockId(n) ?? '00'.repeat(32)) }),
        putBlock: async () => {},
        shallowCopy() {
          return this;
        },
      } as never,
    });
    const tvm = new TronVm(evm, state, opts.energyPrice);
    vm.blockId = (n) => tvm.#block?.blockId(n);
    return tvm;
  }

  async #generateAddress(message: Message): Promise<Address> {
    const cached = this.#createAddresses.get(message);
    if (cached) return cached;
    let addr: Address;
    if (message.depth === 0 && this.#deployAddress) {
      addr = toAddress(this.#deployAddress);
    } else if (message.salt) {
      // CREATE2 on TRON: keccak256(0x41 ++ sender ++ salt ++ keccak256(initcode)).
      const pre = new Uint8Array(1 + 20 + 32 + 32);
      pre[0] = 0x41;
      pre.set(message.caller.bytes, 1);
      pre.set(message.salt, 21);
      pre.set(keccak_256(message.code as Uint8Array), 53);
      addr = new Address(keccak_256(pre).slice(12));
    } else {
      addr = toAddress(internalCreateAddress(this.#txID, this.#createNonce++));
    }
    this.#createAddresses.set(message, addr);
    return addr;
  }

  #beforeMessage(m: Message): void {
    if (m.depth === 0) return;
    const isCreate = m.to === undefined;
    const itx: InternalTx = {
      hash: bytesToHex(keccak_256(hexToBytes(this.#txID + this.#internal.length.toString(16).padStart(8, '0')))),
      caller_address: `41${bytesToHex(m.caller.bytes)}`,
      transferTo_address: isCreate ? '' : `41${bytesToHex(m.to!.bytes)}`,
      callValueInfo: m.value > 0n ? [{ callValue: Number(m.value) }] : [{}],
      note: Buffer.from(isCreate ? 'create' : 'call').toString('hex'),
    };
    this.#internal.push(itx);
    this.#internalStack.push(itx);
  }

  #afterMessage(r: { execResult: { exceptionError?: unknown } }): void {
    // The depth-0 message has no record; only pop what beforeMessage pushed.
    if (this.#internalStack.length === 0) return;
    const itx = this.#internalStack.pop()!;
    if (r.execResult.exceptionError) itx.rejected = true;
  }

  #blockArg(block: BlockContext) {
    return {
      header: {
        number: BigInt(block.number),
        coinbase: toAddress(block.witness),
        timestamp: BigInt(Math.floor(block.timestamp / 1000)),
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: 0n,
        baseFeePerGas: this.#energyPrice,
        slotNumber: 0n,
        getBlobGasPrice: () => undefined,
      },
    } as never;
  }

  #reset(txID: string, block: BlockContext, deployAddress?: string): void {
    this.#txID = txID;
    this.#deployAddress = deployAddress;
    this.#createNonce = 0;
    this.#internal = [];
    this.#internalStack = [];
    this.#block = block;
    this.#state.now = block.timestamp;
    this.#state.originalStorageCache.clear();
  }

  async #run(opts: {
    txID: string;
    caller: string;
    to?: string;
    value: bigint;
    data: Uint8Array;
    energyLimit: bigint;
    block: BlockContext;
    deployAddress?: string;
  }): Promise<ExecResult> {
    this.#reset(opts.txID, opts.block, opts.deployAddress);
    const caller = toAddress(opts.caller);
    const result = await this.#evm.runCall({
      caller,
      origin: caller,
      to: opts.to ? toAddress(opts.to) : undefined,
      value: opts.value,
      data: opts.data,
      gasLimit: opts.energyLimit,
      gasPrice: this.#energyPrice,
      block: this.#blockArg(opts.block),
      skipNonceIncrement: true,
    });
    const exec = result.execResult;
    const err = exec.exceptionError?.error;
    const ret: ContractRet = err ? (ERRORS[err] ?? 'UNKNOWN') : 'SUCCESS';
    let energyUsed = exec.executionGasUsed;
    if (!err && exec.gasRefund) {
      // Refunds (storage cleared) are capped at half the energy used, as in the TVM.
      const refund = exec.gasRefund < energyUsed / 2n ? exec.gasRefund : energyUsed / 2n;
      energyUsed -= refund;
    }
    if (ret !== 'SUCCESS' && ret !== 'REVERT') energyUsed = opts.energyLimit;
    return {
      ret,
      energyUsed,
      returnData: exec.returnValue,
      logs: (exec.logs ?? []).map(([address, topics, data]) => ({
        address: bytesToHex(address),
        topics: topics.map((t) => bytesToHex(t)),
        data: bytesToHex(data),
      })),
      internal: this.#internal,
      message: err ? failureMessage(ret, err, opts.energyLimit) : undefined,
    };
  }

  /** Runs a message call (TriggerSmartContract). State changes stay unless it fails. */
  call(p: CallParams): Promise<ExecResult> {
    return this.#run({
      txID: p.txID,
      caller: p.caller,
      to: p.to,
      value: p.value,
      data: p.data,
      energyLimit: p.energyLimit,
      block: p.block,
    });
  }

  /** Runs a deployment (CreateSmartContract) at TRON's address for it. */
  create(p: CreateParams): Promise<ExecResult> {
    return this.#run({
      txID: p.txID,
      caller: p.caller,
      value: p.value,
      data: p.initCode,
      energyLimit: p.energyLimit,
      block: p.block,
      deployAddress: p.address,
    });
  }
}

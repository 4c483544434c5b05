/**
 * The devnet's chain: blocks, transactions and receipts on top of the journaled state and the VM.
 *
 * Transactions execute when they are accepted (java-tron pre-executes against its pending state
 * the same way), inside the block being built; sealing the block only packages them. Every state
 * write lands in the block's undo log, which is what makes snapshots, reorgs and solidified reads
 * possible without copying the state.
 *
 * Chain is the facade the HTTP layer, persistence and the tests use. It keeps reads, accepting
 * transactions and constant calls, and hands the rest to the modules beside it, which share one
 * ChainCore (the blocks, the open block, the clock and the lock):
 * - producer.ts: block production (opening and sealing blocks, the timer, mine, time, solidity lag)
 * - admin.ts: snapshots, reverts, reorgs, overrides, unlocked accounts, persistence's hooks
 * - core.ts: the shared state and the lock that serialises every write
 * - validate.ts: the checks before execution (signature, TaPoS, size, expiration, duplicates)
 * - execute.ts: executing transfers, calls and deployments, and their receipts
 * - resources.ts: bandwidth, fee limit and energy accounting
 * - mempool.ts: the open block (accepted, already executed transactions)
 * - history.ts: sealed blocks and their tx and event indexes
 * - calls.ts: building a trigger, rewinding for solidified reads, the energy search
 * - stake.ts: Stake 2.0 and the deployer's settings; energy.ts: the staked resources they give
 * - types.ts: the shapes and options, re-exported here
 */
import { JournaledState, emptyRecord, type AccountRecord, type ContractMeta } from './state.js';

export type { ContractMeta };
import { TronVm } from './vm.js';
import type { buildUnsignedJson, SignedTx } from './tx.js';
import { TxRejected } from './errors.js';
import { freeNetUsed } from './resources.js';
import { checkEnvelope, checkSignature, checkTapos } from './validate.js';
import { type Execution, executeCreate, executeTransfer, executeTrigger } from './execute.js';
import { buildTrigger, leastEnergy, runConstantCall } from './calls.js';
import { ChainCore } from './core.js';
import { BlockProducer, genesisBlock } from './producer.js';
import { ChainAdmin } from './admin.js';
import { executeStake } from './stake.js';
import type {
  Block,
  BroadcastResult,
  CallArgs,
  ChainOptions,
  ConstantResult,
  EventRecord,
  ReorgOptions,
  ReorgResult,
  TxRecord,
} from './types.js';

export { TRX, resolveChainOptions } from './types.js';
export type {
  Block,
  BroadcastResult,
  CallArgs,
  ChainOptions,
  ConstantResult,
  EventRecord,
  ReorgOptions,
  ReorgResult,
  TxInfo,
  TxRecord,
} from './types.js';

export class Chain {
  readonly options: ChainOptions;
  readonly state: JournaledState;
  readonly chainId: bigint;
  readonly #vm: TronVm;
  readonly #exec: Execution;
  readonly #core: ChainCore;
  readonly #producer: BlockProducer;
  readonly #admin: ChainAdmin;

  private constructor(options: ChainOptions, state: JournaledState, vm: TronVm, chainId: bigint, genesis: Block) {
    this.options = options;
    this.state = state;
    this.#vm = vm;
    this.chainId = chainId;
    this.#core = new ChainCore(options, state);
    this.#exec = { state, options, vm, blockContext: (open) => this.#core.contextAt(open.number, open.timestamp) };
    this.#producer = new BlockProducer(this.#core);
    this.#admin = new ChainAdmin(this.#core, this.#producer, (tx) => this.#accept(tx, { replay: true }));
    this.#producer.pushBlock(genesis);
  }

  /** Builds a chain with its genesis block and funded accounts. */
  static async create(options: ChainOptions, state?: JournaledState): Promise<Chain> {
    const genesis = genesisBlock(options);
    const chainId = options.chainId ?? BigInt(`0x${genesis.id.slice(-8)}`);
    const st = state ?? new JournaledState();
    const vm = await TronVm.create(st, { chainId, energyPrice: options.energyPrice });
    const chain = new Chain(options, st, vm, chainId, genesis);
    if (!state) {
      for (const a of options.genesisAccounts) {
        st.writeAccount(a.address.slice(2), { ...emptyRecord(0), balance: a.balance });
      }
      st.takeBlockLog();
      // java-tron omits number 0 from JSON, and TronWeb cannot build a reference to the genesis
      // block; a fresh node therefore produces its first block at once.
      chain.#producer.seal();
    }
    return chain;
  }

  // ---------------------------------------------------------------- time and production (producer.ts)

  /** Chain time in milliseconds: the wall clock plus what `increaseTime` added. */
  now(): number {
    return this.#core.now();
  }

  get timeOffsetMs(): number {
    return this.#core.timeOffsetMs;
  }

  /** Starts producing blocks every `blockTimeMs` (no-op in instamine mode). */
  start(): void {
    this.#producer.start();
  }

  stop(): void {
    this.#producer.stop();
  }

  /**
   * Changes how many blocks the solidified head trails the head. A larger lag mines empty blocks
   * first, so the solidified head never moves back.
   */
  setSolidityLag(lag: number): Promise<void> {
    return this.#producer.setSolidityLag(lag);
  }

  /**
   * Runs `fn` with a block sealed per transaction and solidified at once (setup scripts that wait
   * for each receipt), then restores the block interval and the solidity lag.
   */
  instantly<T>(fn: () => Promise<T>): Promise<T> {
    return this.#producer.instantly(fn);
  }

  /** Changes the block interval; 0 switches to a block per transaction. */
  setBlockTime(ms: number): Promise<void> {
    return this.#producer.setBlockTime(ms);
  }

  /** Called after each new block (persistence, subscribers). */
  onBlock(fn: (block: Block) => void): () => void {
    return this.#producer.onBlock(fn);
  }

  /** Seals `count` blocks (the first one carries any pending transactions). */
  mine(count = 1, timestamp?: number): Promise<Block[]> {
    return this.#producer.mine(count, timestamp);
  }

  /**
   * Moves the chain clock forward; the next block carries the new time. An open block that holds
   * transactions is sealed first (they ran at its time); an open block without any (opened by a
   * transaction that was then refused) takes the new time.
   */
  increaseTime(seconds: number): Promise<number> {
    return this.#producer.increaseTime(seconds);
  }

  /** Seals the open block if it holds transactions, so nothing a client was told succeeded is lost. */
  sealPending(): Promise<Block | undefined> {
    return this.#producer.sealPending();
  }

  /** Waits for every queued write to finish. */
  idle(): Promise<void> {
    return this.#producer.idle();
  }

  // ---------------------------------------------------------------- reads

  get head(): Block {
    return this.#core.head;
  }

  /**
   * The solidified head: `solidityLag` blocks below the head, and never above the last block saved
   * (when the devnet persists), so nothing reported solidified can be lost by a crash.
   */
  get solidifiedNumber(): number {
    return this.#core.solidifiedNumber;
  }

  get solidifiedBlock(): Block {
    return this.#core.history.blocks[this.solidifiedNumber]!;
  }

  blockByNumber(n: number): Block | undefined {
    return Number.isInteger(n) && n >= 0 ? this.#core.history.blocks[n] : undefined;
  }

  blockById(id: string): Block | undefined {
    return this.#core.history.byId(id.toLowerCase());
  }

  /** A sealed transaction, optionally only when solidified. */
  txRecord(txid: string, solidOnly = false): { record: TxRecord; block: Block } | undefined {
    const at = this.#core.history.txAt(txid.toLowerCase());
    if (!at || (solidOnly && at.block > this.solidifiedNumber)) return undefined;
    const block = this.#core.history.blocks[at.block]!;
    return { record: block.txs[at.index]!, block };
  }

  /** An account now, or as of the solidified head. */
  account(addr41: string, solid = false): AccountRecord | undefined {
    return this.#core.account(addr41, solid);
  }

  contract(addr41: string, solid = false): ContractMeta | undefined {
    return this.account(addr41, solid)?.contract;
  }

  /** Free bandwidth an account has left now. */
  freeNetAvailable(addr41: string, solid = false): { used: number; limit: number } {
    const r = this.account(addr41, solid);
    const used = r ? freeNetUsed(r, this.head.timestamp) : 0;
    return { used, limit: this.options.freeNetLimit };
  }

  /** Events of a contract in chain order (a live view; do not mutate). */
  eventsOf(addr41: string): readonly EventRecord[] {
    return this.#core.history.eventsOf(addr41) ?? [];
  }

  /** Every block, oldest first (a live view; do not mutate). */
  get blocks(): readonly Block[] {
    return this.#core.history.blocks;
  }

  // ---------------------------------------------------------------- admin (admin.ts)

  /** Lets these accounts' transactions through without a valid signature (TRE's unlock). */
  unlock(addresses: string[]): void {
    this.#admin.unlock(addresses);
  }

  get unlockedAccounts(): string[] {
    return this.#admin.unlockedAccounts;
  }

  /** Overrides an account's balance. */
  setBalance(addr41: string, balance: bigint): Promise<void> {
    return this.#admin.setBalance(addr41, balance);
  }

  /** Overrides an account's code. */
  setCode(addr41: string, code: Uint8Array): Promise<void> {
    return this.#admin.setCode(addr41, code);
  }

  /** Overrides one storage slot of a contract. */
  setStorageAt(addr41: string, slot: string, value: Uint8Array): Promise<void> {
    return this.#admin.setStorageAt(addr41, slot, value);
  }

  /** Records the chain position so `revert` can return to it. */
  snapshot(): Promise<number> {
    return this.#admin.snapshot();
  }

  /** Returns to a snapshot, removing it and every later one. */
  revert(id: number): Promise<boolean> {
    return this.#admin.revert(id);
  }

  /**
   * Replaces the last `depth` blocks (all unsolidified) with a new branch that replays their
   * transactions, minus `drop`, in the chosen order, spread over `depth + extraBlocks` blocks.
   */
  reorg(depth: number, opts: ReorgOptions = {}): Promise<ReorgResult> {
    return this.#admin.reorg(depth, opts);
  }

  /**
   * Restores sealed blocks read from disk (the state is restored separately). Undo logs saved with
   * the unsolidified blocks keep solidified reads and reorgs working across a restart.
   */
  restoreBlocks(blocks: Block[], timeOffsetMs: number): void {
    this.#admin.restoreBlocks(blocks, timeOffsetMs);
  }

  /** Blocks up to `n` are saved: they may become solidified. */
  markDurable(n: number): void {
    this.#admin.markDurable(n);
  }

  /** From now on only blocks marked durable may solidify (a devnet that persists); `n` is saved already. */
  requireDurability(n: number): void {
    this.#admin.requireDurability(n);
  }

  /**
   * While set, new transactions are refused with SERVER_BUSY and this reason (the devnet cannot
   * save what it would confirm, e.g. a full disk); reads keep working.
   */
  refuseWrites(reason: string | undefined): void {
    this.#admin.refuseWrites(reason);
  }

  get refusingWrites(): string | undefined {
    return this.#admin.refusingWrites;
  }

  // ---------------------------------------------------------------- transactions

  /** Validates, executes and (in instamine mode) seals a signed transaction. */
  broadcast(tx: SignedTx): Promise<BroadcastResult> {
    return this.#core.lock.run(async () => {
      if (this.#core.refusing)
        return { ok: false, txid: tx.txID, code: 'SERVER_BUSY', message: `Server busy: ${this.#core.refusing}` };
      try {
        await this.#accept(tx, { replay: false });
      } catch (e) {
        if (e instanceof TxRejected) return { ok: false, txid: tx.txID, code: e.code, message: e.message };
        throw e;
      }
      if (this.options.blockTimeMs === 0) this.#producer.seal();
      return { ok: true, txid: tx.txID };
    });
  }

  async #accept(tx: SignedTx, { replay }: { replay: boolean }): Promise<void> {
    const { history, pool } = this.#core;
    const owner = tx.raw.value.owner;
    checkSignature(tx, owner, this.#core.unlocked);
    if (!replay) {
      checkTapos(tx, this.head.number, (n) => history.blocks[n]);
      checkEnvelope(tx, this.head.timestamp, (txid) => history.hasTx(txid) || pool.has(txid));
    }
    const open = this.#producer.openBlock();
    this.state.now = open.timestamp;
    const v = tx.raw.value;
    let record: TxRecord;
    switch (v.kind) {
      case 'TransferContract':
        record = await executeTransfer(this.#exec, tx, v, open);
        break;
      case 'TriggerSmartContract':
        record = await executeTrigger(this.#exec, tx, v, open);
        break;
      case 'CreateSmartContract':
        record = await executeCreate(this.#exec, tx, v, open);
        break;
      case 'Unsupported':
        throw TxRejected.validate(`contract type ${v.typeName} is not supported by the devnet`);
      default:
        record = await executeStake(this.#exec, tx, v, open);
    }
    pool.add(open, record);
  }

  // ---------------------------------------------------------------- building and calling

  /** Builds the unsigned TriggerSmartContract java-tron returns from `wallet/triggersmartcontract`. */
  buildTrigger(a: CallArgs): ReturnType<typeof buildUnsignedJson> {
    return buildTrigger(this.state, this.head, () => this.now(), a);
  }

  /** Runs a call without keeping its effects, on the head state or the solidified one. */
  constantCall(a: CallArgs, solid = false, energyLimit = this.options.constantEnergyLimit): Promise<ConstantResult> {
    return this.#core.lock.run(() => runConstantCall(this.#core, this.#vm, a, solid, energyLimit));
  }

  /** Energy a call needs to succeed: the least limit that does not run out (binary search). */
  async estimateEnergy(a: CallArgs): Promise<{ ok: true; energy: bigint } | { ok: false; result: ConstantResult }> {
    const maxEnergy = this.options.maxFeeLimit / this.options.energyPrice;
    return leastEnergy(maxEnergy, (limit) => this.constantCall(a, false, limit));
  }

  /**
   * Runs `fn` between writes, on the state as of the sealed head: effects of transactions waiting
   * in the open block are hidden, so what `fn` reads agrees with the blocks (persistence).
   */
  atSealedHead<T>(fn: () => T): Promise<T> {
    return this.#core.lock.run(async () => {
      await this.state.checkpoint();
      try {
        this.#core.rewindTo(this.head.number);
        return fn();
      } finally {
        await this.state.revert();
      }
    });
  }
}

/**
 * The devnet's chain: blocks, transactions and receipts on top of the journaled state and the VM.
 *
 * Transactions execute when they are accepted (java-tron pre-executes against its pending state
 * the same way), inside the block being built; sealing the block only packages them. Every state
 * write lands in the block's undo log, which is what makes snapshots, reorgs and solidified reads
 * possible without copying the state.
 *
 * Chain composes the modules beside it and keeps what needs its lock and its state together:
 * block production (seal, mine, time), admin (snapshots, reorgs, overrides) and reads.
 * - validate.ts: the checks before execution (signature, TaPoS, size, expiration, duplicates)
 * - execute.ts: executing transfers, calls and deployments, and their receipts
 * - resources.ts: bandwidth, fee limit and energy accounting
 * - mempool.ts: the open block (accepted, already executed transactions)
 * - history.ts: sealed blocks and their tx and event indexes
 * - calls.ts: building a trigger, rewinding for solidified reads, the energy search
 * - stake.ts: Stake 2.0 and the deployer's settings; energy.ts: the staked resources they give
 * - types.ts: the shapes and options, re-exported here
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes } from './hex.js';
import { JournaledState, emptyRecord, type AccountRecord, type ContractMeta } from './state.js';

export type { ContractMeta };
import { TronVm, type BlockContext } from './vm.js';
import { type buildUnsignedJson, signedTxHex, type SignedTx } from './tx.js';
import { blockIdOf, signHeader, txTrieRoot, type HeaderFields } from './block.js';
import { DevnetError, TxRejected } from './errors.js';
import { freeNetUsed } from './resources.js';
import { checkEnvelope, checkSignature, checkTapos } from './validate.js';
import { type Execution, type OpenBlock, executeCreate, executeTransfer, executeTrigger } from './execute.js';
import { BlockHistory } from './history.js';
import { Mempool } from './mempool.js';
import { buildTrigger, leastEnergy, rewindTo } from './calls.js';
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

const VERSION = 32;
const ZERO_PARENT = '00'.repeat(32);

/** Serialises async work: one writer at a time over the state. */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

interface Snapshot {
  id: number;
  height: number;
  timeOffsetMs: number;
}

export class Chain {
  readonly options: ChainOptions;
  readonly state: JournaledState;
  readonly chainId: bigint;
  readonly #vm: TronVm;
  readonly #exec: Execution;
  readonly #history = new BlockHistory();
  readonly #pool = new Mempool();
  readonly #lock = new Mutex();
  readonly #unlocked = new Set<string>();
  #timeOffsetMs = 0;
  /** The highest block saved to disk; Infinity when the chain is not persisted. */
  #durableNumber = Infinity;
  #refusing: string | undefined;
  #snapshots: Snapshot[] = [];
  #nextSnapshotId = 1;
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<(block: Block) => void>();

  private constructor(options: ChainOptions, state: JournaledState, vm: TronVm, chainId: bigint, genesis: Block) {
    this.options = options;
    this.state = state;
    this.#vm = vm;
    this.#exec = { state, options, vm, blockContext: (open) => this.#blockContext(open) };
    this.chainId = chainId;
    this.#pushBlock(genesis);
  }

  /** Builds a chain with its genesis block and funded accounts. */
  static async create(options: ChainOptions, state?: JournaledState): Promise<Chain> {
    const header: HeaderFields = {
      number: 0,
      timestamp: 0,
      parentHash: ZERO_PARENT,
      txTrieRoot: ZERO_PARENT,
      witness: options.witnessAddress,
      version: VERSION,
    };
    const id = blockIdOf(header);
    const genesis: Block = {
      number: 0,
      id,
      parentHash: ZERO_PARENT,
      timestamp: 0,
      txTrieRoot: ZERO_PARENT,
      witness: options.witnessAddress,
      witnessSignature: signHeader(header, options.witnessKey),
      txs: [],
      undo: undefined,
    };
    const chainId = options.chainId ?? BigInt(`0x${id.slice(-8)}`);
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
      chain.#seal();
    }
    return chain;
  }

  // ---------------------------------------------------------------- time and production

  /** Chain time in milliseconds: the wall clock plus what `increaseTime` added. */
  now(): number {
    return this.options.clock() + this.#timeOffsetMs;
  }

  get timeOffsetMs(): number {
    return this.#timeOffsetMs;
  }

  /** Starts producing blocks every `blockTimeMs` (no-op in instamine mode). */
  start(): void {
    this.stop();
    if (this.options.blockTimeMs > 0) {
      this.#timer = setInterval(() => {
        void this.#lock.run(() => this.#seal()).catch(() => undefined);
      }, this.options.blockTimeMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Changes how many blocks the solidified head trails the head. A larger lag mines empty blocks
   * first, so the solidified head never moves back.
   */
  async setSolidityLag(lag: number): Promise<void> {
    if (!Number.isSafeInteger(lag) || lag < 0)
      throw new DevnetError(`solidity lag must be a non-negative integer, got ${lag}`);
    const before = this.solidifiedNumber;
    (this.options as { solidityLag: number }).solidityLag = lag;
    if (this.solidifiedNumber < before) await this.mine(before - this.solidifiedNumber);
  }

  /**
   * Runs `fn` with a block sealed per transaction and solidified at once (setup scripts that wait
   * for each receipt), then restores the block interval and the solidity lag.
   */
  async instantly<T>(fn: () => Promise<T>): Promise<T> {
    const { blockTimeMs, solidityLag } = this.options;
    await this.setBlockTime(0);
    await this.setSolidityLag(0);
    try {
      return await fn();
    } finally {
      await this.setSolidityLag(solidityLag);
      await this.setBlockTime(blockTimeMs);
    }
  }

  /** Changes the block interval; 0 switches to a block per transaction. */
  async setBlockTime(ms: number): Promise<void> {
    await this.#lock.run(() => {
      if (ms === 0 && this.#pool.open) this.#seal();
    });
    (this.options as { blockTimeMs: number }).blockTimeMs = ms;
    this.start();
  }

  /** Called after each new block (persistence, subscribers). */
  onBlock(fn: (block: Block) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #openBlock(): OpenBlock {
    const open = this.#pool.open;
    if (open) return open;
    const head = this.head;
    return this.#pool.openAt(head.number + 1, Math.max(this.now(), head.timestamp + 1));
  }

  #blockContext(open: OpenBlock): BlockContext {
    return {
      number: open.number,
      timestamp: open.timestamp,
      witness: this.options.witnessAddress,
      blockId: (n) => (n < open.number && n >= open.number - 256 ? this.#history.blocks[n]?.id : undefined),
    };
  }

  #seal(timestampOverride?: number): Block {
    const open = this.#openBlock();
    if (timestampOverride !== undefined) open.timestamp = timestampOverride;
    this.#pool.take();
    const parent = this.head;
    const header: HeaderFields = {
      number: open.number,
      timestamp: open.timestamp,
      parentHash: parent.id,
      txTrieRoot: txTrieRoot(open.txs.map((r) => signedTxHex(r.tx))),
      witness: this.options.witnessAddress,
      version: VERSION,
    };
    const block: Block = {
      number: header.number,
      id: blockIdOf(header),
      parentHash: header.parentHash,
      timestamp: header.timestamp,
      txTrieRoot: header.txTrieRoot,
      witness: header.witness,
      witnessSignature: signHeader(header, this.options.witnessKey),
      txs: open.txs,
      undo: this.state.takeBlockLog(),
    };
    this.#pool.clearIds();
    this.#pushBlock(block);
    this.#prune();
    for (const fn of this.#listeners) fn(block);
    return block;
  }

  #pushBlock(block: Block): void {
    this.#history.push(block);
  }

  #popBlock(): Block {
    return this.#history.pop((undo) => this.state.undoBlock(undo));
  }

  /** Drops undo logs no reorg or snapshot can reach any more. */
  #prune(): void {
    let keepAbove = this.solidifiedNumber;
    for (const s of this.#snapshots) keepAbove = Math.min(keepAbove, s.height);
    for (let n = keepAbove; n >= 1; n--) {
      const b = this.#history.blocks[n];
      if (!b || b.undo === undefined) break;
      b.undo = undefined;
    }
  }

  /** Seals `count` blocks (the first one carries any pending transactions). */
  mine(count = 1, timestamp?: number): Promise<Block[]> {
    return this.#lock.run(() => {
      const out: Block[] = [];
      for (let i = 0; i < count; i++) out.push(this.#seal(i === 0 ? timestamp : undefined));
      return out;
    });
  }

  /**
   * Moves the chain clock forward; the next block carries the new time. An open block that holds
   * transactions is sealed first (they ran at its time); an open block without any (opened by a
   * transaction that was then refused) takes the new time.
   */
  increaseTime(seconds: number): Promise<number> {
    if (!Number.isFinite(seconds) || seconds < 0) throw new DevnetError('seconds must be a non-negative number');
    return this.#lock.run(() => {
      if (this.#pool.open?.txs.length) this.#seal();
      this.#timeOffsetMs += Math.round(seconds * 1000);
      const open = this.#pool.open;
      if (open) open.timestamp = Math.max(this.now(), this.head.timestamp + 1);
      return this.#timeOffsetMs / 1000;
    });
  }

  // ---------------------------------------------------------------- reads

  get head(): Block {
    return this.#history.blocks[this.#history.blocks.length - 1]!;
  }

  /**
   * The solidified head: `solidityLag` blocks below the head, and never above the last block saved
   * (when the devnet persists), so nothing reported solidified can be lost by a crash.
   */
  get solidifiedNumber(): number {
    return Math.max(0, Math.min(this.head.number - this.options.solidityLag, this.#durableNumber));
  }

  /** Blocks up to `n` are saved: they may become solidified. */
  markDurable(n: number): void {
    this.#durableNumber = Math.max(this.#durableNumber === Infinity ? n : this.#durableNumber, n);
  }

  /** From now on only blocks marked durable may solidify (a devnet that persists); `n` is saved already. */
  requireDurability(n: number): void {
    this.#durableNumber = n;
  }

  /**
   * While set, new transactions are refused with SERVER_BUSY and this reason (the devnet cannot
   * save what it would confirm, e.g. a full disk); reads keep working.
   */
  refuseWrites(reason: string | undefined): void {
    this.#refusing = reason;
  }

  get refusingWrites(): string | undefined {
    return this.#refusing;
  }

  get solidifiedBlock(): Block {
    return this.#history.blocks[this.solidifiedNumber]!;
  }

  blockByNumber(n: number): Block | undefined {
    return Number.isInteger(n) && n >= 0 ? this.#history.blocks[n] : undefined;
  }

  blockById(id: string): Block | undefined {
    return this.#history.byId(id.toLowerCase());
  }

  /** A sealed transaction, optionally only when solidified. */
  txRecord(txid: string, solidOnly = false): { record: TxRecord; block: Block } | undefined {
    const at = this.#history.txAt(txid.toLowerCase());
    if (!at || (solidOnly && at.block > this.solidifiedNumber)) return undefined;
    const block = this.#history.blocks[at.block]!;
    return { record: block.txs[at.index]!, block };
  }

  /** An account now, or as of the solidified head. */
  account(addr41: string, solid = false): AccountRecord | undefined {
    const key = addr41.slice(2);
    if (!solid) return this.state.readAccount(key);
    return this.#valueAt(`a:${key}`, this.solidifiedNumber, () => this.state.readAccount(key)) as
      | AccountRecord
      | undefined;
  }

  contract(addr41: string, solid = false): ContractMeta | undefined {
    return this.account(addr41, solid)?.contract;
  }

  #valueAt(key: string, height: number, current: () => unknown): unknown {
    for (let n = height + 1; n <= this.head.number; n++) {
      const log = this.#history.blocks[n]!.undo;
      if (!log) throw new DevnetError(`history of block ${n} is no longer kept`);
      if (log.has(key)) return log.get(key);
    }
    if (this.state.openLog.has(key)) return this.state.openLog.get(key);
    return current();
  }

  /** Free bandwidth an account has left now. */
  freeNetAvailable(addr41: string, solid = false): { used: number; limit: number } {
    const r = this.account(addr41, solid);
    const used = r ? freeNetUsed(r, this.head.timestamp) : 0;
    return { used, limit: this.options.freeNetLimit };
  }

  /** Events of a contract in chain order (a live view; do not mutate). */
  eventsOf(addr41: string): readonly EventRecord[] {
    return this.#history.eventsOf(addr41) ?? [];
  }

  /** Every block, oldest first (a live view; do not mutate). */
  get blocks(): readonly Block[] {
    return this.#history.blocks;
  }

  // ---------------------------------------------------------------- admin (TRE)

  unlock(addresses: string[]): void {
    for (const a of addresses) this.#unlocked.add(a.toLowerCase());
  }

  get unlockedAccounts(): string[] {
    return [...this.#unlocked];
  }

  setBalance(addr41: string, balance: bigint): Promise<void> {
    return this.#lock.run(() => {
      this.state.now = this.now();
      this.state.updateAccount(addr41.slice(2), { balance });
    });
  }

  setCode(addr41: string, code: Uint8Array): Promise<void> {
    return this.#lock.run(() => {
      this.state.now = this.now();
      this.state.updateAccount(addr41.slice(2), { code, codeHash: keccak_256(code) });
    });
  }

  setStorageAt(addr41: string, slot: string, value: Uint8Array): Promise<void> {
    return this.#lock.run(() => {
      let i = 0;
      while (i < value.length && value[i] === 0) i++;
      this.state.writeStorage(addr41.slice(2), slot.replace(/^0x/, '').toLowerCase().padStart(64, '0'), value.slice(i));
    });
  }

  /** Records the chain position so `revert` can return to it. */
  snapshot(): Promise<number> {
    return this.#lock.run(() => {
      if (this.#pool.open || this.state.openLog.size) this.#seal();
      const s: Snapshot = { id: this.#nextSnapshotId++, height: this.head.number, timeOffsetMs: this.#timeOffsetMs };
      this.#snapshots.push(s);
      return s.id;
    });
  }

  /** Returns to a snapshot, removing it and every later one. */
  revert(id: number): Promise<boolean> {
    return this.#lock.run(() => {
      const idx = this.#snapshots.findIndex((s) => s.id === id);
      if (idx < 0) return false;
      const s = this.#snapshots[idx]!;
      this.#discardOpen();
      while (this.head.number > s.height) this.#popBlock();
      this.#timeOffsetMs = s.timeOffsetMs;
      this.#snapshots = this.#snapshots.slice(0, idx);
      for (const fn of this.#listeners) fn(this.head);
      return true;
    });
  }

  #discardOpen(): SignedTx[] {
    const txs = this.#pool.discard();
    this.state.discardBlockLog();
    return txs;
  }

  /**
   * Replaces the last `depth` blocks (all unsolidified) with a new branch that replays their
   * transactions, minus `drop`, in the chosen order, spread over `depth + extraBlocks` blocks.
   */
  reorg(depth: number, opts: ReorgOptions = {}): Promise<ReorgResult> {
    return this.#lock.run(async () => {
      const unsolid = this.head.number - this.solidifiedNumber;
      if (!Number.isInteger(depth) || depth < 1) throw new DevnetError('depth must be a positive integer');
      if (depth > unsolid) {
        throw new DevnetError(
          `cannot reorg ${depth} blocks: only ${unsolid} are above the solidified head ${this.solidifiedNumber}`,
        );
      }
      const extra = opts.extraBlocks ?? 1;
      if (!Number.isInteger(extra) || extra < 0) throw new DevnetError('extraBlocks must be a non-negative integer');
      const dropSet = new Set((opts.drop ?? []).map((t) => t.toLowerCase()));
      // Validate before touching the chain: a refused reorg must leave every block in place.
      const replaced = new Set(
        [...this.#history.blocks.slice(-depth).flatMap((b) => b.txs), ...(this.#pool.open?.txs ?? [])].map(
          (r) => r.tx.txID,
        ),
      );
      for (const t of dropSet) {
        if (!replaced.has(t)) throw new DevnetError(`transaction ${t} is not in the replaced blocks`);
      }
      const pending = this.#discardOpen();
      const removed: Block[] = [];
      for (let i = 0; i < depth; i++) removed.unshift(this.#popBlock());
      let txs = [...removed.flatMap((b) => b.txs.map((r) => r.tx)), ...pending];
      const dropped = txs.filter((t) => dropSet.has(t.txID)).map((t) => t.txID);
      txs = txs.filter((t) => !dropSet.has(t.txID));
      if (opts.order === 'reverse') txs.reverse();
      else if (Array.isArray(opts.order)) {
        const pos = new Map(opts.order.map((t, i) => [t.toLowerCase(), i]));
        txs.sort((a, b) => (pos.get(a.txID) ?? Infinity) - (pos.get(b.txID) ?? Infinity));
      }
      const count = depth + extra;
      const perBlock = Math.ceil(txs.length / count);
      const added: string[] = [];
      const replayed: string[] = [];
      for (let i = 0; i < count; i++) {
        const base = removed[i]?.timestamp ?? this.head.timestamp + 1;
        // A different timestamp gives the replacement block a different id even with the same txs.
        this.#pool.openAt(this.head.number + 1, Math.max(base + 1, this.head.timestamp + 1));
        for (const tx of txs.slice(i * perBlock, (i + 1) * perBlock)) {
          try {
            await this.#accept(tx, { replay: true });
            replayed.push(tx.txID);
          } catch (e) {
            if (!(e instanceof TxRejected)) throw e;
            dropped.push(tx.txID);
          }
        }
        added.push(this.#seal().id);
      }
      return { removed: removed.map((b) => b.id), added, replayed, dropped };
    });
  }

  // ---------------------------------------------------------------- transactions

  /** Validates, executes and (in instamine mode) seals a signed transaction. */
  broadcast(tx: SignedTx): Promise<BroadcastResult> {
    return this.#lock.run(async () => {
      if (this.#refusing)
        return { ok: false, txid: tx.txID, code: 'SERVER_BUSY', message: `Server busy: ${this.#refusing}` };
      try {
        await this.#accept(tx, { replay: false });
      } catch (e) {
        if (e instanceof TxRejected) return { ok: false, txid: tx.txID, code: e.code, message: e.message };
        throw e;
      }
      if (this.options.blockTimeMs === 0) this.#seal();
      return { ok: true, txid: tx.txID };
    });
  }

  async #accept(tx: SignedTx, { replay }: { replay: boolean }): Promise<void> {
    const owner = tx.raw.value.owner;
    checkSignature(tx, owner, this.#unlocked);
    if (!replay) {
      checkTapos(tx, this.head.number, (n) => this.#history.blocks[n]);
      checkEnvelope(tx, this.head.timestamp, (txid) => this.#history.hasTx(txid) || this.#pool.has(txid));
    }
    const open = this.#openBlock();
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
    this.#pool.add(open, record);
  }

  // ---------------------------------------------------------------- building and calling

  /** Builds the unsigned TriggerSmartContract java-tron returns from `wallet/triggersmartcontract`. */
  buildTrigger(a: CallArgs): ReturnType<typeof buildUnsignedJson> {
    return buildTrigger(this.state, this.head, () => this.now(), a);
  }

  /** Runs a call without keeping its effects, on the head state or the solidified one. */
  constantCall(a: CallArgs, solid = false, energyLimit = this.options.constantEnergyLimit): Promise<ConstantResult> {
    return this.#lock.run(async () => {
      const target = this.account(a.contract, solid);
      if (!target?.code?.length) throw TxRejected.validate('No contract or not a smart contract');
      await this.state.checkpoint();
      try {
        if (solid) this.#rewindTo(this.solidifiedNumber);
        const base = solid ? this.solidifiedBlock : this.head;
        // java-tron runs constant calls in the context of the head block itself
        // (Wallet.callConstantContract): NUMBER and TIMESTAMP are the head's, not a next block's.
        const ctx: BlockContext = {
          number: base.number,
          timestamp: base.timestamp,
          witness: this.options.witnessAddress,
          blockId: (n) => (n < base.number && n >= base.number - 256 ? this.#history.blocks[n]?.id : undefined),
        };
        this.state.now = ctx.timestamp;
        const owner = this.state.readAccount(a.owner.slice(2));
        if (a.callValue > 0n && (owner?.balance ?? 0n) < a.callValue) {
          // A constant call may carry value the caller does not have; java-tron refuses it.
          throw TxRejected.validate('Validate InternalTransfer error, balance is not sufficient.');
        }
        const r = await this.#vm.call({
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
        await this.state.revert();
      }
    });
  }

  /** Writes, inside the open checkpoint, the values the state had at `height`. */
  #rewindTo(height: number): void {
    rewindTo(this.state, this.#history.blocks, this.head.number, height);
  }

  /** Energy a call needs to succeed: the least limit that does not run out (binary search). */
  async estimateEnergy(a: CallArgs): Promise<{ ok: true; energy: bigint } | { ok: false; result: ConstantResult }> {
    const maxEnergy = this.options.maxFeeLimit / this.options.energyPrice;
    return leastEnergy(maxEnergy, (limit) => this.constantCall(a, false, limit));
  }

  // ---------------------------------------------------------------- persistence hooks

  /**
   * Restores sealed blocks read from disk (the state is restored separately). Undo logs saved with
   * the unsolidified blocks keep solidified reads and reorgs working across a restart.
   */
  restoreBlocks(blocks: Block[], timeOffsetMs: number): void {
    for (const b of blocks) {
      if (b.number !== this.head.number + 1 || b.parentHash !== this.head.id) {
        throw new DevnetError(`saved block ${b.number} does not extend block ${this.head.number}`);
      }
      this.#pushBlock(b);
    }
    this.#timeOffsetMs = timeOffsetMs;
    this.#prune();
  }

  /**
   * Runs `fn` between writes, on the state as of the sealed head: effects of transactions waiting
   * in the open block are hidden, so what `fn` reads agrees with the blocks (persistence).
   */
  atSealedHead<T>(fn: () => T): Promise<T> {
    return this.#lock.run(async () => {
      await this.state.checkpoint();
      try {
        this.#rewindTo(this.head.number);
        return fn();
      } finally {
        await this.state.revert();
      }
    });
  }

  /** Seals the open block if it holds transactions, so nothing a client was told succeeded is lost. */
  sealPending(): Promise<Block | undefined> {
    return this.#lock.run(() => (this.#pool.open?.txs.length ? this.#seal() : undefined));
  }

  /** Waits for every queued write to finish. */
  idle(): Promise<void> {
    return this.#lock.run(() => undefined);
  }
}

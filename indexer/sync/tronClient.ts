/**
 * A small client for java-tron's HTTP API, as served by a full node, TronGrid or the devnet:
 * blocks, transaction infos, the solidified head and constant calls. Every request has a timeout
 * and is retried with exponential backoff on network errors, 5xx and 429; what still fails is a
 * RetryableError for the sync loop to wait on. Other answers a node should not give are fatal.
 */
import { FatalError, RetryableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';

export interface TronClientOptions {
  nodeUrl: string;
  solidityUrl: string;
  apiKey?: string;
  timeoutMs: number;
  /** Attempts per request (1 = no retry). */
  attempts: number;
  log: Logger;
  /** First backoff delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** A block header. */
export interface BlockRef {
  number: number;
  /** Block id, 64 hex. */
  hash: string;
  parentHash: string;
  /** Milliseconds. */
  timestamp: number;
}

/** The top-level call of a transaction (what the decoder needs to attribute TRX gifts). */
export interface NodeTx {
  txId: string;
  type: string;
  /** `41` hex. */
  owner?: string;
  /** `41` hex, for contract calls. */
  contract?: string;
  callValue: bigint;
}

export interface NodeBlock extends BlockRef {
  txs: NodeTx[];
}

export interface NodeLog {
  /** 20-byte hex, no `41`. */
  address: string;
  topics: string[];
  data: string;
}

export interface NodeInternalTx {
  /** `41` hex. */
  caller: string;
  /** `41` hex. */
  to: string;
  /** TRX value in sun. */
  value: bigint;
  note: string;
  rejected: boolean;
}

/**
 * Who paid for a transaction, from its info's `receipt` and `fee` (java-tron leaves zero fields
 * out, so a missing one is 0). Energy in units, the rest in sun.
 */
export interface NodeTxFees {
  /** All the sun the caller burned (energy and bandwidth). */
  fee: bigint;
  /** The caller's staked energy used. */
  energyUsage: number;
  /** Sun the caller burned for energy. */
  energyFee: bigint;
  /** The contract deployer's staked energy used (energy sharing). */
  originEnergyUsage: number;
  energyUsageTotal: number;
  /** The caller's free or staked bandwidth used. */
  netUsage: number;
  /** Sun the caller burned for bandwidth. */
  netFee: bigint;
}

export interface NodeTxInfo {
  txId: string;
  blockNumber: number;
  /** The transaction ran successfully (only then do its logs count). */
  success: boolean;
  logs: NodeLog[];
  internal: NodeInternalTx[];
  /** Absent: the node reported no receipt (nothing paid). */
  fees?: NodeTxFees;
}

export interface ConstantCallResult {
  /** Return data, hex (no 0x). */
  data: string;
  /** The call reverted. */
  reverted: boolean;
}

/** The most blocks java-tron's getblockbylimitnext answers at once. */
export const BLOCK_RANGE_LIMIT = 100;

export interface TronClient {
  /** The head block. */
  nowBlock(): Promise<BlockRef>;
  /** The solidified head. */
  solidBlock(): Promise<BlockRef>;
  /** A block with its transactions, or undefined if the node has none at that height. */
  blockByNumber(n: number): Promise<NodeBlock | undefined>;
  /**
   * Blocks `from` to `toExclusive` (at most BLOCK_RANGE_LIMIT) with their transactions, in order, in
   * one request (java-tron's getblockbylimitnext); it stops early where the node has no block.
   */
  blocksByRange(from: number, toExclusive: number): Promise<NodeBlock[]>;
  /** A block header only, or undefined. */
  blockHeader(n: number): Promise<BlockRef | undefined>;
  /** Every transaction info of a block, in block order. */
  txInfos(n: number): Promise<NodeTxInfo[]>;
  /** Runs a view; on the solidified state when `solid`. */
  callConstant(
    contractHex41: string,
    signature: string,
    parameterHex: string,
    solid: boolean,
  ): Promise<ConstantCallResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: java-tron's HTTP answers, read field by field and checked where used
type Json = Record<string, any>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function headerOf(b: Json): BlockRef {
  const raw = b.block_header?.raw_data ?? {};
  if (typeof b.blockID !== 'string') throw new RetryableError('block without blockID');
  return {
    number: Number(raw.number ?? 0),
    hash: b.blockID,
    parentHash: String(raw.parentHash ?? ''),
    timestamp: Number(raw.timestamp ?? 0),
  };
}

function txOf(t: Json): NodeTx {
  const c = t.raw_data?.contract?.[0] ?? {};
  const v = c.parameter?.value ?? {};
  return {
    txId: String(t.txID),
    type: String(c.type ?? ''),
    ...(typeof v.owner_address === 'string' ? { owner: v.owner_address.toLowerCase() } : {}),
    ...(typeof v.contract_address === 'string' ? { contract: v.contract_address.toLowerCase() } : {}),
    callValue: BigInt(v.call_value ?? 0),
  };
}

function feesOf(i: Json): NodeTxFees {
  const r: Json = i.receipt ?? {};
  const n = (v: unknown): number => Number(v ?? 0);
  return {
    fee: BigInt(i.fee ?? 0),
    energyUsage: n(r.energy_usage),
    energyFee: BigInt(r.energy_fee ?? 0),
    originEnergyUsage: n(r.origin_energy_usage),
    energyUsageTotal: n(r.energy_usage_total),
    netUsage: n(r.net_usage),
    netFee: BigInt(r.net_fee ?? 0),
  };
}

function infoOf(i: Json): NodeTxInfo {
  const receiptResult = i.receipt?.result;
  return {
    fees: feesOf(i),
    txId: String(i.id),
    blockNumber: Number(i.blockNumber ?? 0),
    success: i.result !== 'FAILED' && (receiptResult === undefined || receiptResult === 'SUCCESS'),
    logs: ((i.log ?? []) as Json[]).map((l) => ({
      address: String(l.address ?? '').toLowerCase(),
      topics: ((l.topics ?? []) as string[]).map((t) => t.toLowerCase()),
      data: String(l.data ?? '').toLowerCase(),
    })),
    internal: ((i.internal_transactions ?? []) as Json[]).map((it) => ({
      caller: String(it.caller_address ?? '').toLowerCase(),
      to: String(it.transferTo_address ?? '').toLowerCase(),
      value: ((it.callValueInfo ?? []) as Json[]).reduce((s, c) => (c.tokenId ? s : s + BigInt(c.callValue ?? 0)), 0n),
      note: Buffer.from(String(it.note ?? ''), 'hex').toString('utf8'),
      rejected: it.rejected === true,
    })),
  };
}

/** Creates a client; see TronClientOptions. */
export function createTronClient(opts: TronClientOptions): TronClient {
  const base = opts.baseBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 8000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.apiKey) headers['TRON-PRO-API-KEY'] = opts.apiKey;

  async function post(url: string, body: unknown): Promise<unknown> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
      let wait = Math.min(maxBackoff, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        if (res.status === 429 || res.status >= 500) {
          const retryAfter = Number(res.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(60_000, retryAfter * 1000);
          lastError = new RetryableError(`${url} answered HTTP ${res.status}`);
          await res.body?.cancel();
        } else if (res.status >= 400) {
          throw new FatalError(`${url} answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
        } else {
          const text = await res.text();
          try {
            return JSON.parse(text);
          } catch (e) {
            lastError = new RetryableError(`${url} answered something other than JSON: ${text.slice(0, 100)}`, {
              cause: e,
            });
          }
        }
      } catch (e) {
        if (e instanceof FatalError) throw e;
        // fetch rejects with a TypeError on network failures and a TimeoutError on our timeout.
        lastError = e;
      }
      if (attempt < opts.attempts) {
        opts.log.debug('request failed, retrying', {
          url,
          attempt,
          wait_ms: Math.round(wait),
          error: String((lastError as Error)?.message ?? lastError),
        });
        await sleep(wait);
      }
    }
    throw new RetryableError(`${url} failed after ${opts.attempts} attempts`, { cause: lastError });
  }

  async function call(solid: boolean, endpoint: string, body: unknown): Promise<Json | Json[]> {
    const url = `${solid ? opts.solidityUrl : opts.nodeUrl}/${solid ? 'walletsolidity' : 'wallet'}/${endpoint}`;
    const out = await post(url, body);
    if (out && typeof out === 'object' && !Array.isArray(out) && typeof (out as Json).Error === 'string') {
      throw new FatalError(`${url}: ${(out as Json).Error}`);
    }
    return out as Json | Json[];
  }

  return {
    async nowBlock() {
      return headerOf((await call(false, 'getnowblock', {})) as Json);
    },
    async solidBlock() {
      return headerOf((await call(true, 'getnowblock', {})) as Json);
    },
    async blockByNumber(n) {
      const b = (await call(false, 'getblockbynum', { num: n })) as Json;
      if (!b.blockID) return undefined;
      const h = headerOf(b);
      if (h.number !== n) throw new RetryableError(`asked for block ${n}, got ${h.number}`);
      return { ...h, txs: ((b.transactions ?? []) as Json[]).map(txOf) };
    },
    async blocksByRange(from, toExclusive) {
      if (toExclusive - from > BLOCK_RANGE_LIMIT || toExclusive <= from)
        throw new RangeError(`a block range holds 1 to ${BLOCK_RANGE_LIMIT} blocks, asked ${from} to ${toExclusive}`);
      const out = (await call(false, 'getblockbylimitnext', { startNum: from, endNum: toExclusive })) as Json;
      const blocks = ((out.block ?? []) as Json[]).map((b) => ({
        ...headerOf(b),
        txs: ((b.transactions ?? []) as Json[]).map(txOf),
      }));
      blocks.forEach((b, i) => {
        if (b.number !== from + i) throw new RetryableError(`asked for blocks from ${from}, got ${b.number} at ${i}`);
      });
      return blocks;
    },
    async blockHeader(n) {
      const b = (await call(false, 'getblock', { id_or_num: String(n), detail: false })) as Json;
      return b.blockID ? headerOf(b) : undefined;
    },
    async txInfos(n) {
      const out = await call(false, 'gettransactioninfobyblocknum', { num: n });
      return Array.isArray(out) ? out.map(infoOf) : [];
    },
    async callConstant(contract, signature, parameter, solid) {
      const out = (await call(solid, 'triggerconstantcontract', {
        owner_address: `41${'0'.repeat(40)}`,
        contract_address: contract,
        function_selector: signature,
        parameter,
      })) as Json;
      if (out.result?.code)
        throw new FatalError(
          `${signature} on ${contract}: ${out.result.code} ${Buffer.from(String(out.result.message ?? ''), 'hex').toString()}`,
        );
      return { data: String(out.constant_result?.[0] ?? ''), reverted: Boolean(out.result?.message) };
    },
  };
}

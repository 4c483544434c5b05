/**
 * Reads from the TRON node through the same-origin `/chain` proxy (java-tron's HTTP API), and the
 * lazily loaded TronWeb used for ABI encoding and the dev wallet's signatures. TronWeb (~1 MB) is
 * imported on the first chain action only, so the home page never loads it.
 */
import type { TronWeb as TronWebType } from 'tronweb';
import { config, fullHostUrl } from '../config.js';
import { accountBandwidth, chainPrices, type AccountBandwidth, type ChainPrices, type Sponsorship } from './fees.js';

let tronWebPromise: Promise<TronWebType> | null = null;

/** The app's TronWeb (no key), created on first use. */
export function getTronWeb(): Promise<TronWebType> {
  tronWebPromise ??= import('tronweb').then(({ TronWeb }) => new TronWeb({ fullHost: fullHostUrl() }));
  return tronWebPromise;
}

/**
 * TRC-10 tokens sent along with a call would be stuck in our contracts (they cannot refuse them):
 * the app never attaches any, and refuses to send a request that would.
 */
function refuseTrc10(path: string, body: Record<string, unknown>): void {
  const nonzero = (v: unknown) => v !== undefined && v !== null && v !== 0 && v !== '0' && v !== '';
  const value =
    body.call_token_value ??
    (body.raw_data as { contract?: { parameter?: { value?: Record<string, unknown> } }[] } | undefined)?.contract?.[0]
      ?.parameter?.value?.call_token_value;
  if (nonzero(value))
    throw new Error(
      `refused to send ${path}: it carries a TRC-10 call_token_value, which our contracts would keep for good`,
    );
}

/** POSTs to the node (`wallet/...` or `walletsolidity/...`). */
export async function node<T = Record<string, unknown>>(
  path: string,
  body: Record<string, unknown>,
  init: { signal?: AbortSignal } = {},
): Promise<T> {
  refuseTrc10(path, body);
  const base = config().fullHost.replace(/\/$/, '');
  const res = await fetch(`${base}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visible: true, ...body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (!res.ok) throw Object.assign(new Error(`node ${path} answered ${res.status}`), { status: res.status });
  return (await res.json()) as T;
}

/** What became of a broadcast: the node's answer, or `lost` when none came back (it may still have been delivered). */
export type BroadcastOutcome =
  | { answered: true; result: boolean; code?: string; message?: string }
  | { answered: false; reason: string };

/**
 * Broadcasts a signed transaction. A network error, a timeout or a gateway error (5xx) means the
 * answer was lost, not that the transaction was: the caller must look for it before saying
 * anything. A 4xx is the proxy refusing the request, so the node never saw it.
 */
export async function broadcastSigned(signed: Record<string, unknown>, timeoutMs = 20_000): Promise<BroadcastOutcome> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const r = await node<{ result?: boolean; code?: string; message?: string }>('wallet/broadcasttransaction', signed, {
      signal: ctrl.signal,
    });
    return {
      answered: true,
      result: r.result === true,
      ...(r.code ? { code: r.code } : {}),
      ...(r.message ? { message: r.message } : {}),
    };
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status !== undefined && status >= 400 && status < 500)
      return { answered: true, result: false, code: `HTTP_${status}`, message: (e as Error).message };
    return { answered: false, reason: (e as Error).message || String(e) };
  } finally {
    clearTimeout(timer);
  }
}

export interface Param {
  type: string;
  value: unknown;
}

/** ABI-encodes parameters (hex without 0x) with TronWeb's coder. */
export async function encodeParams(params: Param[]): Promise<string> {
  if (params.length === 0) return '';
  const tw = await getTronWeb();
  return tw.utils.abi
    .encodeParams(
      params.map((p) => p.type),
      params.map((p) => p.value),
    )
    .replace(/^0x/, '');
}

export interface ConstantResult {
  ok: boolean;
  energy: number;
  /** Return data (success) or revert data (failure), hex without 0x. */
  data: string;
  message?: string;
}

/** Simulates a call (triggerconstantcontract): energy used, return or revert data. */
export async function constantCall(
  contract: string,
  selector: string,
  params: Param[],
  from: string | null,
  opts: { callValue?: bigint; solid?: boolean } = {},
): Promise<ConstantResult> {
  const r = await node<{
    result?: { result?: boolean; code?: string; message?: string };
    energy_used?: number;
    constant_result?: string[];
    transaction?: { ret?: { ret?: string }[] };
  }>(`${opts.solid ? 'walletsolidity' : 'wallet'}/triggerconstantcontract`, {
    owner_address: from ?? config().contracts.GiftVault,
    contract_address: contract,
    function_selector: selector,
    parameter: await encodeParams(params),
    ...(opts.callValue ? { call_value: Number(opts.callValue) } : {}),
  });
  const reverted = !r.result?.result || !!r.result?.message || r.transaction?.ret?.[0]?.ret === 'FAILED';
  return { ok: !reverted, energy: r.energy_used ?? 0, data: r.constant_result?.[0] ?? '', message: r.result?.message };
}

/** Reads one uint256 view. */
export async function readUint(contract: string, selector: string, params: Param[], solid = false): Promise<bigint> {
  const r = await constantCall(contract, selector, params, null, { solid });
  if (!r.ok || !r.data) throw new Error(`${selector} reverted`);
  return BigInt(`0x${r.data.slice(0, 64)}`);
}

/** TRX balance of an account in sun (0 for an account that does not exist yet). */
export async function trxBalance(address: string): Promise<bigint> {
  const a = await node<{ balance?: number }>('wallet/getaccount', { address });
  return BigInt(a.balance ?? 0);
}

/** A TRC-20 balance. */
export function tokenBalance(token: string, owner: string): Promise<bigint> {
  return readUint(token, 'balanceOf(address)', [{ type: 'address', value: owner }]);
}

/** A TRC-20 allowance. */
export function allowance(token: string, owner: string, spender: string): Promise<bigint> {
  return readUint(token, 'allowance(address,address)', [
    { type: 'address', value: owner },
    { type: 'address', value: spender },
  ]);
}

let prices: { at: number; value: Promise<ChainPrices> } | null = null;
/** The chain's energy and bandwidth prices and fee cap (getchainparameters, read again after a minute). */
export function getChainPrices(): Promise<ChainPrices> {
  if (!prices || Date.now() - prices.at > 60_000) {
    const value = node<{ chainParameter?: { key: string; value?: number }[] }>('wallet/getchainparameters', {}).then(
      (r) => chainPrices(r.chainParameter ?? []),
    );
    prices = { at: Date.now(), value };
    // Not a swallow: callers get the rejection from `value`; this only drops the failed read from the cache.
    value.catch(() => (prices = null));
  }
  return prices.value;
}

/** An account's staked and free bandwidth now (getaccountresource). */
export async function getBandwidth(address: string): Promise<AccountBandwidth> {
  return accountBandwidth(await node<Record<string, unknown>>('wallet/getaccountresource', { address }));
}

interface SharingTerms {
  origin: string;
  userFeePercent: number;
  originEnergyLimit: bigint;
}
const sharingTerms = new Map<string, { at: number; value: Promise<SharingTerms> }>();
/** A contract's sharing terms (getcontract; java-tron omits a 0 percent), read again after a minute: the deployer may change them. */
function contractSharing(contract: string): Promise<SharingTerms> {
  const hit = sharingTerms.get(contract);
  if (hit && Date.now() - hit.at < 60_000) return hit.value;
  const value = node<{ origin_address?: string; consume_user_resource_percent?: number; origin_energy_limit?: number }>(
    'wallet/getcontract',
    { value: contract },
  ).then((c) => ({
    origin: c.origin_address ?? '',
    userFeePercent: c.consume_user_resource_percent ?? 0,
    originEnergyLimit: BigInt(c.origin_energy_limit ?? 0),
  }));
  sharingTerms.set(contract, { at: Date.now(), value });
  // Not a swallow: callers get the rejection from `value`; this only drops the failed read from the cache.
  value.catch(() => sharingTerms.delete(contract));
  return value;
}

/**
 * Whether and how much the contract's deployer (BLive) pays of `from`'s call now: its terms and
 * its staked energy left. Undefined when the caller pays everything (no sharing, or the caller
 * is the deployer, whose own energy pays).
 */
export async function getSponsorship(contract: string, from: string): Promise<Sponsorship | undefined> {
  const t = await contractSharing(contract);
  if (!t.origin || t.origin === from || t.userFeePercent >= 100) return undefined;
  const r = await node<{ EnergyLimit?: number; EnergyUsed?: number }>('wallet/getaccountresource', {
    address: t.origin,
  });
  const left = BigInt(r.EnergyLimit ?? 0) - BigInt(r.EnergyUsed ?? 0);
  return {
    userFeePercent: t.userFeePercent,
    originEnergyLimit: t.originEnergyLimit,
    originEnergyLeft: left > 0n ? left : 0n,
  };
}

/** The head block's time in ms: the chain's clock, which decides expiry (it may run ahead of this machine's). */
export async function headTime(): Promise<number> {
  const b = await node<{ block_header?: { raw_data?: { timestamp?: number } } }>('wallet/getnowblock', {});
  return b.block_header?.raw_data?.timestamp ?? 0;
}

let chainIdPromise: Promise<string> | null = null;
/** The chain id as TronLink reports it: 0x + the last 4 bytes of the genesis block id. */
export function getChainId(): Promise<string> {
  chainIdPromise ??= node<{ blockID?: string }>('wallet/getblockbynum', { num: 0 }).then(
    (b) => `0x${(b.blockID ?? '').slice(-8)}`,
  );
  return chainIdPromise;
}

export interface TxInfo {
  id?: string;
  blockNumber?: number;
  blockTimeStamp?: number;
  fee?: number;
  contractResult?: string[];
  resMessage?: string;
  result?: string;
  receipt?: { result?: string; energy_usage_total?: number; energy_fee?: number; net_fee?: number; net_usage?: number };
  log?: unknown[];
}

/** A transaction's receipt from the head (wallet) or the solidified view (walletsolidity); null until included. */
export async function txInfo(txId: string, solid = false): Promise<TxInfo | null> {
  const r = await node<TxInfo>(`${solid ? 'walletsolidity' : 'wallet'}/gettransactioninfobyid`, { value: txId });
  return r?.id ? r : null;
}

/** A transaction itself (contract call details); `{}` while no block has it. */
export function txById(txId: string): Promise<Record<string, unknown>> {
  return node('wallet/gettransactionbyid', { value: txId });
}

/** Whether a block holds the transaction (gettransactionbyid answers `{}` until one does). */
export async function txKnown(txId: string): Promise<boolean> {
  const t = await txById(txId);
  return typeof t.txID === 'string' && t.txID.length > 0;
}

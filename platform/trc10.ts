/**
 * The `/chain` proxy's TRC-10 guard. TRON lets any contract call carry a TRC-10 amount
 * (`call_token_value` with `token_id`), and contracts compiled with upstream solc cannot refuse
 * it: tokens sent to our contracts that way would be accepted and stuck. So the proxy refuses
 * every request that would build, simulate, estimate or broadcast a call to one of our deployed
 * contracts with a nonzero `call_token_value`. Broadcasts are decoded: the JSON `raw_data`, its
 * `raw_data_hex` and `broadcasthex`'s protobuf `Transaction` alike (TriggerSmartContract).
 */
import { toBase58, toHex41 as addressToHex41 } from '../lib/address.js';

/** The paths the guard reads (after `/chain/`). */
export const GUARDED_PATHS = new Set([
  'wallet/triggersmartcontract',
  'wallet/triggerconstantcontract',
  'wallet/estimateenergy',
  'wallet/broadcasttransaction',
  'wallet/broadcasthex',
  'walletsolidity/triggerconstantcontract',
  'walletsolidity/estimateenergy',
]);

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => new Uint8Array((h.replace(/^0x/, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** `41...` hex of an address given as base58 or hex (lib/address.ts); null when it is neither. */
export function toHex41(a: unknown): string | null {
  return addressToHex41(a) ?? null;
}

// ---------------------------------------------------------------------- minimal protobuf reader

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array };

function readVarint(b: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (at >= b.length) throw new Error('truncated varint');
    const byte = b[at++]!;
    v |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [v, at];
    shift += 7n;
    if (shift > 70n) throw new Error('varint too long');
  }
}

function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < b.length) {
    const [key, next] = readVarint(b, at);
    at = next;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, n] = readVarint(b, at);
      out.push({ no, wire, varint: v });
      at = n;
    } else if (wire === 2) {
      const [len, n] = readVarint(b, at);
      const end = n + Number(len);
      if (end > b.length) throw new Error('truncated field');
      out.push({ no, wire, bytes: b.subarray(n, end) });
      at = end;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

/** A contract call a transaction makes: to whom, with how much TRC-10. */
export interface TriggerCall {
  contract: string;
  callTokenValue: bigint;
}

/** The TriggerSmartContract calls in a protobuf `Transaction.raw` (contract type 31). */
export function triggersInRaw(raw: Uint8Array): TriggerCall[] {
  const calls: TriggerCall[] = [];
  for (const c of fields(raw).filter((f) => f.no === 11 && f.bytes)) {
    const cf = fields(c.bytes!);
    if (cf.find((f) => f.no === 1)?.varint !== 31n) continue;
    const any = cf.find((f) => f.no === 2)?.bytes;
    const value = any && fields(any).find((f) => f.no === 2)?.bytes;
    if (!value) continue;
    const tf = fields(value);
    const addr = tf.find((f) => f.no === 2)?.bytes;
    calls.push({ contract: addr ? hex(addr) : '', callTokenValue: tf.find((f) => f.no === 5)?.varint ?? 0n });
  }
  return calls;
}

/** The calls in a protobuf `Transaction` (broadcasthex). */
export function triggersInTransaction(tx: Uint8Array): TriggerCall[] {
  const raw = fields(tx).find((f) => f.no === 1)?.bytes;
  return raw ? triggersInRaw(raw) : [];
}

const big = (v: unknown): bigint => {
  try {
    return typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^\d+$/.test(v))
      ? BigInt(v)
      : 0n;
  } catch {
    return 0n;
  }
};

/** The calls a request to `path` would make, as far as they can be read. Throws on a transaction that cannot be decoded. */
export function callsOf(path: string, body: Record<string, unknown>): TriggerCall[] {
  if (path === 'wallet/broadcasthex')
    return typeof body.transaction === 'string' ? triggersInTransaction(fromHex(body.transaction)) : [];
  if (path === 'wallet/broadcasttransaction') {
    const calls: TriggerCall[] = [];
    const contracts = (body.raw_data as { contract?: unknown[] } | undefined)?.contract;
    for (const c of Array.isArray(contracts) ? contracts : []) {
      const cc = c as { type?: unknown; parameter?: { value?: Record<string, unknown> } };
      if (cc.type !== 'TriggerSmartContract') continue;
      const v = cc.parameter?.value ?? {};
      calls.push({ contract: toHex41(v.contract_address) ?? '', callTokenValue: big(v.call_token_value) });
    }
    if (typeof body.raw_data_hex === 'string' && body.raw_data_hex)
      calls.push(...triggersInRaw(fromHex(body.raw_data_hex)));
    return calls;
  }
  return [{ contract: toHex41(body.contract_address) ?? '', callTokenValue: big(body.call_token_value) }];
}

/** A refusal: the typed error the proxy answers with (HTTP 400). */
export interface Refusal {
  code: 'TRC10_NOT_ACCEPTED' | 'BAD_TRANSACTION';
  message: string;
}

/** Why the proxy must refuse the request, or null. `ours` holds our contracts' `41...` hex addresses. */
export function trc10Refusal(path: string, body: Record<string, unknown>, ours: ReadonlySet<string>): Refusal | null {
  let calls: TriggerCall[];
  try {
    calls = callsOf(path, body);
  } catch (e) {
    // What cannot be read cannot be cleared: the node would have to decode it for us.
    return { code: 'BAD_TRANSACTION', message: `the transaction could not be decoded: ${(e as Error).message}` };
  }
  const bad = calls.find((c) => c.callTokenValue !== 0n && ours.has(c.contract));
  if (!bad) return null;
  return {
    code: 'TRC10_NOT_ACCEPTED',
    message: `${path} would send ${bad.callTokenValue} units of a TRC-10 token to ${toBase58(bad.contract)}, a BLive contract that could never return them: send the call without call_token_value`,
  };
}

/** The TronGrid-shaped event API (`v1/...`) that TronWeb's `event` module reads. */
import { utils as tronUtils } from 'tronweb';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Chain, EventRecord } from '../chain/chain.js';
import type { AbiEntry } from '../chain/tx.js';
import { bytesToHex } from '../chain/hex.js';
import { toBase58, toHex41 } from '../../lib/address.js';

type Json = Record<string, unknown>;

/** A query the event API refuses, answered with HTTP 400 and TronGrid's envelope. */
export class EventQueryError extends Error {}

const MAX_LIMIT = 200;

interface DecodedEvent {
  name: string;
  signature: string;
  result: Json;
  resultType: Record<string, string>;
}

const topicCache = new WeakMap<AbiEntry[], Map<string, AbiEntry>>();

function eventsByTopic(abi: AbiEntry[]): Map<string, AbiEntry> {
  let m = topicCache.get(abi);
  if (!m) {
    m = new Map();
    for (const e of abi) {
      if (e.type?.toLowerCase() !== 'event' || e.anonymous) continue;
      const sig = `${e.name}(${(e.inputs ?? []).map((i) => i.type).join(',')})`;
      m.set(bytesToHex(keccak_256(Buffer.from(sig))), e);
    }
    topicCache.set(abi, m);
  }
  return m;
}

function formatValue(type: string, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => formatValue(type.replace(/\[\d*\]$/, ''), x));
  if (type === 'address') return `0x${String(v).toLowerCase().replace(/^0x/, '').padStart(40, '0')}`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v;
  return String(v);
}

/** Decodes a log with the contract's ABI into TronGrid's `result`/`result_type`. */
function decode(chain: Chain, ev: EventRecord): DecodedEvent | undefined {
  const abi = chain.contract(ev.contract)?.abi;
  if (!abi || ev.topics.length === 0) return undefined;
  const entry = eventsByTopic(abi).get(ev.topics[0]!);
  if (!entry) return undefined;
  const inputs = entry.inputs ?? [];
  const coder = new tronUtils.ethersUtils.AbiCoder();
  const plain = inputs.filter((i) => !i.indexed);
  let decoded: readonly unknown[] = [];
  try {
    decoded = coder.decode(
      plain.map((i) => i.type),
      `0x${ev.data}`,
    );
  } catch {
    return undefined;
  }
  const result: Json = {};
  const resultType: Record<string, string> = {};
  let topicIdx = 1;
  let dataIdx = 0;
  inputs.forEach((input, i) => {
    let value: unknown;
    if (input.indexed) {
      const topic = ev.topics[topicIdx++] ?? '';
      const dynamic =
        input.type === 'string' || input.type === 'bytes' || input.type.endsWith(']') || input.type.startsWith('tuple');
      value = dynamic ? `0x${topic}` : formatValue(input.type, coder.decode([input.type], `0x${topic}`)[0]);
    } else {
      value = formatValue(input.type, decoded[dataIdx++]);
    }
    result[String(i)] = value;
    if (input.name) {
      result[input.name] = value;
      resultType[input.name] = input.type;
    }
  });
  const signature = `${entry.name}(${inputs.map((i) => `${i.type}${i.indexed ? ' indexed' : ''}${i.name ? ` ${i.name}` : ''}`).join(', ')})`;
  return { name: entry.name ?? '', signature, result, resultType };
}

/** One event in TronGrid's shape; undefined for logs the contract's ABI cannot decode. */
export function eventJson(chain: Chain, ev: EventRecord): Json | undefined {
  const d = decode(chain, ev);
  if (!d) return undefined;
  const contract = toBase58(ev.contract);
  return {
    block_number: ev.blockNumber,
    block_timestamp: ev.blockTimestamp,
    caller_contract_address: contract,
    contract_address: contract,
    event_index: ev.logIndex,
    event_name: d.name,
    result: d.result,
    result_type: d.resultType,
    event: d.signature,
    transaction_id: ev.txID,
    ...(ev.blockNumber > chain.solidifiedNumber ? { _unconfirmed: true } : {}),
  };
}

function boolParam(v: unknown): boolean {
  return v === true || v === 'true';
}

function limitParam(v: unknown): number {
  if (v === undefined || v === '') return 20;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new EventQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Opaque cursor: the chain position of the last event returned. */
function fingerprintOf(ev: EventRecord): string {
  return Buffer.from(`${ev.blockNumber}:${ev.txIndex}:${ev.logIndex}`).toString('base64url');
}

function parseFingerprint(f: string): [number, number, number] {
  const parts = Buffer.from(f, 'base64url').toString('utf8').split(':').map(Number);
  if (parts.length !== 3 || parts.some((x) => !Number.isInteger(x) || x < 0))
    throw new EventQueryError('invalid fingerprint');
  return parts as [number, number, number];
}

function cmp(ev: EventRecord, pos: [number, number, number]): number {
  return ev.blockNumber - pos[0] || ev.txIndex - pos[1] || ev.logIndex - pos[2];
}

interface Page {
  data: Json[];
  last: EventRecord | undefined;
  more: boolean;
}

/** Filters, orders and pages events; `source` is in chain order. */
function page(chain: Chain, source: readonly EventRecord[], q: Json): Page {
  const limit = limitParam(q.limit);
  const eventName = q.event_name ? String(q.event_name) : undefined;
  const blockNumber = q.block_number !== undefined && q.block_number !== '' ? Number(q.block_number) : undefined;
  const minTs =
    q.min_block_timestamp !== undefined && q.min_block_timestamp !== '' ? Number(q.min_block_timestamp) : undefined;
  const maxTs =
    q.max_block_timestamp !== undefined && q.max_block_timestamp !== '' ? Number(q.max_block_timestamp) : undefined;
  const onlyConfirmed = boolParam(q.only_confirmed);
  const onlyUnconfirmed = boolParam(q.only_unconfirmed);
  if (onlyConfirmed && onlyUnconfirmed)
    throw new EventQueryError('only_confirmed and only_unconfirmed cannot both be set');
  const orderBy = String(q.order_by ?? 'block_timestamp,desc');
  if (orderBy !== 'block_timestamp,desc' && orderBy !== 'block_timestamp,asc') {
    throw new EventQueryError('order_by must be block_timestamp,desc or block_timestamp,asc');
  }
  const desc = orderBy.endsWith('desc');
  const after = q.fingerprint ? parseFingerprint(String(q.fingerprint)) : undefined;
  const solid = chain.solidifiedNumber;
  const data: Json[] = [];
  let last: EventRecord | undefined;
  const n = source.length;
  for (let k = 0; k < n; k++) {
    const ev = source[desc ? n - 1 - k : k]!;
    if (after) {
      const c = cmp(ev, after);
      if (desc ? c >= 0 : c <= 0) continue;
    }
    if (blockNumber !== undefined && ev.blockNumber !== blockNumber) continue;
    if (minTs !== undefined && ev.blockTimestamp < minTs) continue;
    if (maxTs !== undefined && ev.blockTimestamp > maxTs) continue;
    if (onlyConfirmed && ev.blockNumber > solid) continue;
    if (onlyUnconfirmed && ev.blockNumber <= solid) continue;
    const json = eventJson(chain, ev);
    if (!json) continue;
    if (eventName && json.event_name !== eventName) continue;
    if (data.length === limit) return { data, last, more: true };
    data.push(json);
    last = ev;
  }
  return { data, last, more: false };
}

function envelope(p: Page, link: (fingerprint: string) => string): Json {
  const meta: Json = { at: Date.now(), page_size: p.data.length };
  if (p.more && p.last) {
    const f = fingerprintOf(p.last);
    meta.fingerprint = f;
    meta.links = { next: link(f) };
  }
  return { data: p.data, success: true, meta };
}

function nextLink(base: string, q: Json, f: string): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (k !== 'fingerprint' && v !== undefined) qs.set(k, String(v));
  qs.set('fingerprint', f);
  return `${base}?${qs.toString()}`;
}

/** Answers a `v1/...` path, or undefined when the path is not an event endpoint. */
export function eventsRoute(chain: Chain, origin: string, path: string, q: Json): Json | undefined {
  let m = /^v1\/contracts\/([^/]+)\/events\/?$/.exec(path);
  if (m) {
    const addr = toHex41(decodeURIComponent(m[1]!));
    if (!addr) throw new EventQueryError(`invalid contract address: ${m[1]}`);
    const p = page(chain, chain.eventsOf(addr), q);
    return envelope(p, (f) => nextLink(`${origin}/${path}`, q, f));
  }
  m = /^v1\/transactions\/([0-9a-fA-F]{64})\/events\/?$/.exec(path);
  if (m) {
    const found = chain.txRecord(m[1]!);
    const events: EventRecord[] = [];
    if (found) {
      for (const [logIndex, log] of (found.record.info.log ?? []).entries()) {
        events.push({
          blockNumber: found.block.number,
          blockTimestamp: found.block.timestamp,
          txID: found.record.tx.txID,
          txIndex: found.block.txs.indexOf(found.record),
          logIndex,
          contract: `41${log.address}`,
          topics: log.topics,
          data: log.data,
        });
      }
    }
    const p = page(chain, events, { ...q, order_by: q.order_by ?? 'block_timestamp,asc', limit: q.limit ?? MAX_LIMIT });
    return envelope(p, (f) => nextLink(`${origin}/${path}`, q, f));
  }
  m = /^v1\/blocks\/(latest|\d+)\/events\/?$/.exec(path);
  if (m) {
    const block = m[1] === 'latest' ? chain.head : chain.blockByNumber(Number(m[1]));
    const events: EventRecord[] = [];
    for (const [txIndex, r] of (block?.txs ?? []).entries()) {
      for (const [logIndex, log] of (r.info.log ?? []).entries()) {
        events.push({
          blockNumber: block!.number,
          blockTimestamp: block!.timestamp,
          txID: r.tx.txID,
          txIndex,
          logIndex,
          contract: `41${log.address}`,
          topics: log.topics,
          data: log.data,
        });
      }
    }
    const p = page(chain, events, { ...q, order_by: q.order_by ?? 'block_timestamp,asc' });
    return envelope(p, (f) => nextLink(`${origin}/${path}`, q, f));
  }
  return undefined;
}

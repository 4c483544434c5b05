/** TRE's developer API: `/admin/accounts-json` and the `/tre` JSON-RPC, plus the devnet's extras. */
import type { Chain, ReorgOptions } from '../chain/chain.js';
import { DevnetError } from '../chain/errors.js';
import { hexToBytes } from '../chain/hex.js';
import { toHex41 } from '../../lib/address.js';

type Json = Record<string, unknown>;

export interface JsonRpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function arg(params: unknown[], i: number, name: string): unknown {
  if (params[i] === undefined) throw new RpcError(-32602, `missing parameter ${i}: ${name}`);
  return params[i];
}

function address(v: unknown): string {
  const a = toHex41(v);
  if (!a) throw new RpcError(-32602, `invalid address: ${JSON.stringify(v)}`);
  return a;
}

function nonNegativeInt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new RpcError(-32602, `${name} must be a non-negative integer`);
  return n;
}

/** Methods of `/tre`; each returns something truthy, which is what tronbox checks for. */
const methods: Record<string, (chain: Chain, params: unknown[]) => Promise<unknown>> = {
  async tre_mine(chain, params) {
    const p = params[0];
    const count =
      p === undefined
        ? 1
        : typeof p === 'object' && p !== null
          ? nonNegativeInt((p as Json).blocks ?? 1, 'blocks')
          : nonNegativeInt(p, 'blocks');
    const blocks = await chain.mine(count);
    return { blocks: blocks.map((b) => b.number) };
  },
  async tre_blockTime(chain, params) {
    const seconds = Number(arg(params, 0, 'seconds'));
    if (!Number.isFinite(seconds) || seconds < 0) throw new RpcError(-32602, 'seconds must be a non-negative number');
    await chain.setBlockTime(Math.round(seconds * 1000));
    return { blockTime: seconds };
  },
  async tre_setAccountBalance(chain, params) {
    const a = address(arg(params, 0, 'address'));
    const raw = arg(params, 1, 'balance');
    let balance: bigint;
    try {
      balance = BigInt(raw as string);
    } catch {
      throw new RpcError(-32602, 'balance must be an integer amount of sun');
    }
    if (balance < 0n) throw new RpcError(-32602, 'balance must not be negative');
    await chain.setBalance(a, balance);
    return true;
  },
  async tre_setAccountCode(chain, params) {
    const a = address(arg(params, 0, 'address'));
    const raw = String(arg(params, 1, 'code'));
    let code: Uint8Array;
    try {
      code = hexToBytes(raw);
    } catch {
      throw new RpcError(-32602, 'code must be hex');
    }
    await chain.setCode(a, code);
    return true;
  },
  async tre_setAccountStorageAt(chain, params) {
    const a = address(arg(params, 0, 'address'));
    const slot = String(arg(params, 1, 'slot'));
    if (!/^(0x)?[0-9a-fA-F]{1,64}$/.test(slot)) throw new RpcError(-32602, 'slot must be hex of at most 32 bytes');
    const raw = String(arg(params, 2, 'value'));
    let value: Uint8Array;
    try {
      value = hexToBytes(raw);
    } catch {
      throw new RpcError(-32602, 'value must be hex');
    }
    if (value.length > 32) throw new RpcError(-32602, 'value must be at most 32 bytes');
    await chain.setStorageAt(a, slot, value);
    return true;
  },
  async tre_unlockedAccounts(chain, params) {
    const list = arg(params, 0, 'addresses');
    if (!Array.isArray(list)) throw new RpcError(-32602, 'addresses must be an array');
    chain.unlock(list.map(address));
    return true;
  },
  async tre_increaseTime(chain, params) {
    const seconds = Number(arg(params, 0, 'seconds'));
    if (!Number.isFinite(seconds) || seconds < 0) throw new RpcError(-32602, 'seconds must be a non-negative number');
    return { offsetSeconds: await chain.increaseTime(seconds) };
  },
  async tre_snapshot(chain) {
    return `0x${(await chain.snapshot()).toString(16)}`;
  },
  async tre_revert(chain, params) {
    const raw = arg(params, 0, 'id');
    const id = typeof raw === 'string' ? parseInt(raw, raw.startsWith('0x') ? 16 : 10) : Number(raw);
    if (!Number.isSafeInteger(id)) throw new RpcError(-32602, 'id must be a snapshot id');
    const ok = await chain.revert(id);
    if (!ok) throw new RpcError(-32000, `no snapshot with id ${String(raw)}`);
    return true;
  },
  async tre_reorg(chain, params) {
    const depth = nonNegativeInt(arg(params, 0, 'depth'), 'depth');
    const opts = (params[1] ?? {}) as ReorgOptions;
    if (typeof opts !== 'object') throw new RpcError(-32602, 'options must be an object');
    if (opts.drop !== undefined && !(Array.isArray(opts.drop) && opts.drop.every((t) => typeof t === 'string'))) {
      throw new RpcError(-32602, 'drop must be an array of transaction ids');
    }
    return chain.reorg(depth, opts);
  },
};

/** Handles one JSON-RPC request object. */
export async function handleRpc(chain: Chain, req: JsonRpcRequest): Promise<Json> {
  const id = req.id ?? null;
  const name = typeof req.method === 'string' ? req.method : '';
  const method = methods[name];
  if (!method) return { jsonrpc: '2.0', id, error: { code: -32601, message: `method not found: ${name || '(none)'}` } };
  const params = Array.isArray(req.params) ? req.params : req.params === undefined ? [] : [req.params];
  try {
    return { jsonrpc: '2.0', id, result: await method(chain, params) };
  } catch (e) {
    if (e instanceof RpcError) return { jsonrpc: '2.0', id, error: { code: e.code, message: e.message } };
    if (e instanceof DevnetError) return { jsonrpc: '2.0', id, error: { code: -32000, message: e.message } };
    throw e;
  }
}

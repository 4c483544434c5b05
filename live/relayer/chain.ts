/**
 * What the relayer asks of the TRON node: GiftVault's views (sessions, the catalog, nonces,
 * balances, Profiles' broadcaster flag), settleGifts / openSession / closeSession transactions built
 * by the node and signed with the relayer's key, their broadcast, and their receipts (the full
 * node's and the solidified one). Any java-tron HTTP API works: the devnet, TronGrid, a node.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { toBase58, toHex41 } from '../../lib/address.js';
import { RetryableError } from '../../lib/errors.js';
import {
  type CloseSession,
  type GiftIntent,
  intentTuple,
  messageTuple,
  type OpenSession,
} from '../../lib/gifts/intents.js';

const INTENT_TUPLE = '(address,address,uint256,uint256,uint256,address,uint256,uint256,uint256,bytes32)';
const SETTLE = `settleGifts(${INTENT_TUPLE}[],bytes[])`;
const OPEN = 'openSession((address,address,address,uint256,uint256,uint256),bytes)';
const CLOSE = 'closeSession((address,address,uint256),bytes)';

const topic = (signature: string): string => bytesToHex(keccak_256(utf8ToBytes(signature)));
/** topic0 of GiftSettled and IntentSkipped (IGiftSessions). */
export const GIFT_SETTLED = topic('GiftSettled(bytes32,uint256,uint256,uint256,address,uint256)');
export const INTENT_SKIPPED = topic('IntentSkipped(bytes32,address,uint256,uint8)');

/** GiftVault's custom errors a relayed session request can meet, by selector. */
const ERRORS = Object.fromEntries(
  [
    'InvalidSignature(address)',
    'SignatureExpired(uint256)',
    'SessionKeyUnavailable(address)',
    'InvalidSessionExpiry(uint256,uint256)',
    'InvalidCap(uint256)',
    'NotSessionViewer(address,address)',
    'SessionAlreadyEnded(address,uint64)',
    'InsufficientBalance(address,uint256,uint256)',
    'TokenNotAllowed(address)',
    'EnforcedPause()',
  ].map((s) => [topic(s).slice(0, 8), s.slice(0, s.indexOf('('))]),
);

// biome-ignore lint/suspicious/noExplicitAny: java-tron's JSON answers are read field by field where used.
type NodeJson = Record<string, any>;

/** A session as GiftVault's sessionOf reports it (viewer undefined: no such session). */
export interface ChainSession {
  viewer: string | undefined;
  token: string;
  cap: bigint;
  spent: bigint;
  nextNonce: bigint;
  /** Unix seconds. */
  endsAt: bigint;
  releasableAt: bigint;
}

/** A catalog entry (undefined from giftInfo: no such gift); names come from the indexer (GiftUpdated). */
export interface ChainGift {
  token: string;
  price: bigint;
  enabled: boolean;
}

/** A receipt's logs and outcome, as the node reports it. */
export interface TxOutcome {
  blockNumber: number;
  /** SUCCESS, or REVERT, OUT_OF_ENERGY, ... */
  result: string;
  logs: { topics: string[]; data: string }[];
}

export interface RelayerChain {
  readonly relayer: string;
  sessionOf(sessionKey: string): Promise<ChainSession>;
  giftInfo(giftId: bigint): Promise<ChainGift | undefined>;
  isBroadcaster(account: string): Promise<boolean>;
  walletNonceUsed(sender: string, nonce: bigint): Promise<boolean>;
  balanceOf(user: string, token: string): Promise<bigint>;
  /** The node's clock: the head block's time, in Unix seconds. */
  headTime(): Promise<bigint>;
  /** Builds and signs a settleGifts transaction (not broadcast). */
  /** `signatures[i]` is `0x` where the next intent chains to intent i (see chainBatch). */
  buildSettle(intents: GiftIntent[], signatures: string[]): Promise<{ txId: string; tx: string }>;
  /** Broadcasts a signed transaction (JSON); true when the node took it (or already has it). */
  broadcast(tx: string): Promise<{ ok: boolean; code?: string; message?: string }>;
  /** The receipt in the full node's view (undefined: not in a block). */
  outcome(txId: string): Promise<TxOutcome | undefined>;
  /** Whether the transaction is in a solidified block. */
  solidified(txId: string): Promise<boolean>;
  /** Relays a signed session request and waits for its block; throws SessionTxError when it reverts. */
  openSession(request: OpenSession, signature: string): Promise<{ txId: string; blockNumber: number }>;
  closeSession(request: CloseSession, signature: string): Promise<{ txId: string; blockNumber: number }>;
}

/** A relayed session transaction that reverted, with GiftVault's error name. */
export class SessionTxError extends Error {
  constructor(readonly errorName: string) {
    super(`the vault refused the request: ${errorName}`);
  }
}

export interface RelayerChainParams {
  nodeUrl: string;
  /** The full node's solidity API (default nodeUrl: java-tron and the devnet serve /walletsolidity there). */
  solidityUrl?: string;
  apiKey?: string;
  vault: string;
  /** The relayer's key (hex): it signs and pays for every batch. */
  privateKey: string;
  /** The most a batch may burn in TRX when energy runs out (sun). */
  feeLimit: number;
}

/** The relayer's node client. */
export function createRelayerChain(p: RelayerChainParams): RelayerChain {
  const headers = { 'content-type': 'application/json', ...(p.apiKey ? { 'tron-pro-api-key': p.apiKey } : {}) };
  const tw = new TronWeb({ fullHost: p.nodeUrl, privateKey: p.privateKey, ...(p.apiKey ? { headers } : {}) });
  const relayer = tw.defaultAddress.base58 as string;
  const solidityUrl = (p.solidityUrl ?? p.nodeUrl).replace(/\/+$/, '');
  const nodeUrl = p.nodeUrl.replace(/\/+$/, '');
  const coder = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder();
  const hex = (a: string): string => `0x${toHex41(a)!.slice(2)}`;
  let profiles: Promise<string> | undefined;

  async function post(url: string, body: unknown): Promise<NodeJson> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new RetryableError('the TRON node is unreachable', { cause: e });
    }
    if (!res.ok) throw new RetryableError(`the TRON node answered HTTP ${res.status}`);
    return (await res.json()) as NodeJson;
  }

  async function view(contract: string, signature: string, types: string[], args: unknown[], out: string[]) {
    const body = await post(`${nodeUrl}/wallet/triggerconstantcontract`, {
      owner_address: toHex41(relayer),
      contract_address: toHex41(contract),
      function_selector: signature,
      parameter: coder.encode(types, args).slice(2),
    });
    const data = (body.constant_result as string[] | undefined)?.[0] ?? '';
    if (body.result?.message || body.result?.result === false) return { reverted: data };
    return { values: coder.decode(out, `0x${data}`) };
  }
  const evmToBase58 = (a: string): string => toBase58(`41${a.slice(2).toLowerCase()}`);

  async function sendTx(signature: string, types: string[], args: unknown[]): Promise<{ txId: string; tx: string }> {
    const rawParameter = coder.encode(types, args).slice(2);
    const built = await tw.transactionBuilder.triggerSmartContract(
      p.vault,
      signature,
      { feeLimit: p.feeLimit, callValue: 0, rawParameter },
      [],
      relayer,
    );
    if (!built.result?.result)
      throw new RetryableError(`the node did not build ${signature.slice(0, signature.indexOf('('))}`);
    const signed = await tw.trx.sign(built.transaction);
    return { txId: signed.txID, tx: JSON.stringify(signed) };
  }

  async function broadcast(tx: string): Promise<{ ok: boolean; code?: string; message?: string }> {
    const r = await post(`${nodeUrl}/wallet/broadcasttransaction`, JSON.parse(tx));
    if (r.result === true) return { ok: true };
    const message = r.message ? Buffer.from(String(r.message), 'hex').toString('utf8') : undefined;
    // The node has it already (a rebroadcast after a restart): as good as taken.
    if (r.code === 'DUP_TRANSACTION_ERROR') return { ok: true, code: r.code };
    return { ok: false, code: String(r.code ?? 'UNKNOWN'), ...(message ? { message } : {}) };
  }

  async function outcome(txId: string): Promise<TxOutcome | undefined> {
    const info = await post(`${nodeUrl}/wallet/gettransactioninfobyid`, { value: txId });
    if (!info.id || info.blockNumber === undefined) return undefined;
    return {
      blockNumber: Number(info.blockNumber),
      result: String(info.receipt?.result ?? 'SUCCESS'),
      logs: ((info.log ?? []) as { topics?: string[]; data?: string }[]).map((l) => ({
        topics: l.topics ?? [],
        data: l.data ?? '',
      })),
    };
  }

  /** Sends a session request and waits (up to 60 s) for its block. */
  async function relaySession(signature: string, types: string[], args: unknown[]) {
    const { txId, tx } = await sendTx(signature, types, args);
    const sent = await broadcast(tx);
    if (!sent.ok) throw new RetryableError(`the node refused the transaction: ${sent.code} ${sent.message ?? ''}`);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const info = await post(`${nodeUrl}/wallet/gettransactioninfobyid`, { value: txId });
      if (info.id && info.blockNumber !== undefined) {
        if (info.receipt?.result && info.receipt.result !== 'SUCCESS') {
          const data = String(info.contractResult?.[0] ?? '');
          throw new SessionTxError(ERRORS[data.slice(0, 8)] ?? `${info.receipt.result}`);
        }
        return { txId, blockNumber: Number(info.blockNumber) };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new RetryableError(`no block took ${txId} within 60 s`);
  }

  return {
    relayer,
    async sessionOf(sessionKey) {
      const r = await view(
        p.vault,
        'sessionOf(address)',
        ['address'],
        [hex(sessionKey)],
        ['address', 'address', 'uint256', 'uint256', 'uint256', 'uint64', 'uint64', 'bool'],
      );
      if (!r.values) throw new RetryableError('sessionOf reverted');
      const v = r.values;
      const viewer = v[0] as string;
      return {
        viewer: /^0x0{40}$/i.test(viewer) ? undefined : evmToBase58(viewer),
        token: evmToBase58(v[1] as string),
        cap: v[2] as bigint,
        spent: v[3] as bigint,
        nextNonce: v[4] as bigint,
        endsAt: v[5] as bigint,
        releasableAt: v[6] as bigint,
      };
    },
    async giftInfo(giftId) {
      const r = await view(p.vault, 'giftInfo(uint256)', ['uint256'], [giftId], ['address', 'uint256', 'bool']);
      if (!r.values) return undefined;
      return {
        token: evmToBase58(r.values[0] as string),
        price: r.values[1] as bigint,
        enabled: r.values[2] as boolean,
      };
    },
    async isBroadcaster(account) {
      profiles ??= view(p.vault, 'profiles()', [], [], ['address']).then((r) => {
        if (!r.values) throw new RetryableError('profiles() reverted');
        return evmToBase58(r.values[0] as string);
      });
      const r = await view(await profiles, 'isBroadcaster(address)', ['address'], [hex(account)], ['bool']);
      return r.values?.[0] === true;
    },
    async walletNonceUsed(sender, nonce) {
      const r = await view(
        p.vault,
        'walletNonceUsed(address,uint256)',
        ['address', 'uint256'],
        [hex(sender), nonce],
        ['bool'],
      );
      return r.values?.[0] === true;
    },
    async balanceOf(user, token) {
      const r = await view(
        p.vault,
        'balanceOf(address,address)',
        ['address', 'address'],
        [hex(user), hex(token)],
        ['uint256'],
      );
      return (r.values?.[0] as bigint | undefined) ?? 0n;
    },
    async headTime() {
      const b = await post(`${nodeUrl}/wallet/getnowblock`, {});
      return BigInt(Math.floor(Number(b.block_header?.raw_data?.timestamp ?? Date.now()) / 1000));
    },
    buildSettle: (intents, signatures) =>
      sendTx(SETTLE, [`${INTENT_TUPLE}[]`, 'bytes[]'], [intents.map(intentTuple), signatures]),
    broadcast,
    outcome,
    async solidified(txId) {
      const info = await post(`${solidityUrl}/walletsolidity/gettransactioninfobyid`, { value: txId });
      return Boolean(info.id && info.blockNumber !== undefined);
    },
    openSession: (request, signature) =>
      relaySession(
        OPEN,
        ['(address,address,address,uint256,uint256,uint256)', 'bytes'],
        [messageTuple('OpenSession', request), signature],
      ),
    closeSession: (request, signature) =>
      relaySession(CLOSE, ['(address,address,uint256)', 'bytes'], [messageTuple('CloseSession', request), signature]),
  };
}

/**
 * Contract fixtures: deploys BLive on a devnet through TronWeb, sends transactions and decodes
 * receipts, events and custom errors with the artifacts' ABIs.
 */
import assert from 'node:assert/strict';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { CONTRACT_NAMES, MOCK_TOKEN_NAMES } from '../../lib/contractNames.js';
import { unpackGiftSettled } from '../../lib/gifts/intents.js';
import { artifact, tronWebFor, type Devnet } from './devnet.js';

/** Contract addresses are base58 everywhere in tests. */
export interface System {
  profiles: string;
  rewardPool: string;
  vault: string;
  btt: string;
  usdt: string;
  /** The deployer: holds every role. */
  admin: string;
}

export const TRX_ADDRESS = 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb';
export const DAY = 86_400;

export const DEFAULT_PARAMS = {
  floorBps: 3000,
  noticePeriod: 7 * DAY,
  split: [3000, 1000, 6000] as [number, number, number],
  holdPeriod: DAY,
};

type AbiItem = { type?: string; name?: string; inputs?: { type: string; name?: string; components?: unknown[] }[] };

const ALL_ABIS: AbiItem[] = [...CONTRACT_NAMES, ...MOCK_TOKEN_NAMES, 'FeeOnTransferToken', 'ReentrantToken'].flatMap(
  (n) => artifact(n).abi as AbiItem[],
);
// Errors from OpenZeppelin bases (ReentrancyGuard, AccessControl, Pausable, SafeTRC20) are in the artifacts too.
const iface = new tronUtils.ethersUtils.Interface(
  ALL_ABIS.filter(
    (x, i, all) =>
      (x.type === 'error' || x.type === 'event') && all.findIndex((y) => y.type === x.type && y.name === x.name) === i,
  ) as never,
);

/** Deploys a contract from its artifact without TronWeb's polling; returns its base58 address. */
export async function deploy(tw: TronWeb, name: string, params: unknown[] = []): Promise<string> {
  const a = artifact(name);
  const ctor = (a.abi as { type?: string; inputs?: { type: string; components?: { type: string }[] }[] }[]).find(
    (x) => x.type === 'constructor',
  );
  const typeOf = (i: { type: string; components?: { type: string }[] }): string =>
    i.type === 'tuple' ? `(${(i.components ?? []).map(typeOf).join(',')})` : i.type;
  const types = (ctor?.inputs ?? []).map(typeOf);
  const values = params.map((v, i) =>
    types[i] === 'address' ? `0x${TronWeb.address.toHex(v as string).slice(2)}` : v,
  );
  const rawParameter = types.length
    ? tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().encode(types, values).slice(2)
    : undefined;
  const tx = await tw.transactionBuilder.createSmartContract(
    {
      abi: a.abi as never,
      bytecode: a.bytecode,
      feeLimit: 15_000_000_000,
      userFeePercentage: 100,
      originEnergyLimit: 10_000_000,
      ...(rawParameter ? { rawParameter } : {}),
    },
    tw.defaultAddress.hex as string,
  );
  const signed = await tw.trx.sign(tx);
  const res = await tw.trx.sendRawTransaction(signed);
  if (!res.result) throw new Error(`deploying ${name} was refused: ${JSON.stringify(res).slice(0, 300)}`);
  const info = (await tw.trx.getTransactionInfo(signed.txID)) as Record<string, any>;
  if (info.result === 'FAILED')
    throw new Error(
      `deploying ${name} failed: ${info.receipt?.result} ${Buffer.from(info.resMessage ?? '', 'hex').toString()}`,
    );
  return TronWeb.address.fromHex(info.contract_address as string);
}

/** Deploys the whole system as migrations do, with account 0 as admin (through `tw`, its client by default). */
export async function deploySystem(
  devnet: Devnet,
  params = DEFAULT_PARAMS,
  tw: TronWeb = tronWebFor(devnet, 0),
): Promise<System> {
  const admin = devnet.accounts[0]!.address;
  const btt = await deploy(tw, 'MockBTT');
  const usdt = await deploy(tw, 'MockUSDT');
  const profiles = await deploy(tw, 'Profiles');
  const rewardPool = await deploy(tw, 'RewardPool', [admin]);
  const vault = await deploy(tw, 'GiftVault', [
    admin,
    profiles,
    rewardPool,
    params.floorBps,
    params.noticePeriod,
    params.split,
    params.holdPeriod,
  ]);
  const sys = { profiles, rewardPool, vault, btt, usdt, admin };
  await send(devnet, tw, vault, 'setTokenAllowed(address,bool)', [btt, true]);
  await send(devnet, tw, vault, 'setTokenAllowed(address,bool)', [usdt, true]);
  return sys;
}

export interface DecodedEvent {
  name: string;
  /** Named arguments; addresses as base58, integers as bigint. */
  args: Record<string, unknown>;
  /** base58 address of the emitting contract. */
  address: string;
}

export interface TxResult {
  txid: string;
  info: Record<string, any>;
  events: DecodedEvent[];
  energy: number;
  fee: number;
}

function normalize(v: unknown, type?: string): unknown {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && type === 'address') return TronWeb.address.fromHex(`41${v.slice(2).toLowerCase()}`);
  if (Array.isArray(v)) return v.map((x) => normalize(x));
  return v;
}

/** Decodes logs of a receipt with every ABI the tests know. */
export function decodeEvents(info: Record<string, any>): DecodedEvent[] {
  return ((info.log ?? []) as { address: string; topics: string[]; data?: string }[]).flatMap((log) => {
    try {
      const parsed = iface.parseLog({ topics: log.topics.map((t) => `0x${t}`), data: `0x${log.data ?? ''}` });
      if (!parsed) return [];
      const args: Record<string, unknown> = {};
      parsed.fragment.inputs.forEach((input: { name: string; type: string }, i: number) => {
        args[input.name] = normalize(parsed.args[i], input.type);
      });
      return [{ name: parsed.name, args, address: TronWeb.address.fromHex(`41${log.address}`) }];
    } catch {
      return [];
    }
  });
}

/** A reverted transaction or call, with its custom error decoded when the ABI knows it. */
export class RevertError extends Error {
  constructor(
    readonly errorName: string,
    readonly args: unknown[],
    readonly result: string,
    readonly info?: Record<string, any>,
  ) {
    super(`reverted with ${errorName}(${args.map(String).join(', ')})`);
  }
}

export function decodeRevert(data: string): { name: string; args: unknown[] } {
  if (!data) return { name: '(empty)', args: [] };
  try {
    const e = iface.parseError(`0x${data}`);
    if (e)
      return {
        name: e.name,
        args: e.fragment.inputs.map((input: { type: string }, i: number) => normalize(e.args[i], input.type)),
      };
  } catch {
    // fall through
  }
  if (data.startsWith('08c379a0')) {
    const [reason] = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().decode(['string'], `0x${data.slice(8)}`);
    return { name: 'Error', args: [reason] };
  }
  if (data.startsWith('4e487b71')) {
    const [code] = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().decode(['uint256'], `0x${data.slice(8)}`);
    return { name: 'Panic', args: [code] };
  }
  return { name: `unknown(0x${data.slice(0, 8)})`, args: [] };
}

function encodeArgs(signature: string, args: unknown[]): { type: string; value: unknown }[] {
  const types = splitTypes(signature.slice(signature.indexOf('(') + 1, -1));
  return types.map((type, i) => ({ type, value: args[i] }));
}

/** Splits a parameter list at top-level commas (tuples keep their commas). */
function splitTypes(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Sends a transaction from devnet account `from` (or a TronWeb client) and returns its receipt and
 * decoded events; throws RevertError when it fails on chain.
 */
export async function send(
  devnet: Devnet,
  from: number | TronWeb,
  contract: string,
  signature: string,
  args: unknown[] = [],
  opts: { callValue?: number | bigint; feeLimit?: number } = {},
): Promise<TxResult> {
  const tw = typeof from === 'number' ? tronWebFor(devnet, from) : from;
  const params = encodeArgs(signature, args).map((p) =>
    p.type.startsWith('(') ? { ...p, type: `tuple${p.type}` } : p,
  );
  const options = { feeLimit: opts.feeLimit ?? 1_000_000_000, callValue: Number(opts.callValue ?? 0) };
  const hasTuple = params.some((p) => p.type.startsWith('tuple'));
  let built: Awaited<ReturnType<typeof tw.transactionBuilder.triggerSmartContract>>;
  if (hasTuple) {
    // TronWeb's simple encoder has no tuples; encode the parameters ourselves.
    const coder = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder();
    const types = splitTypes(signature.slice(signature.indexOf('(') + 1, -1));
    const values = args.map((v, i) =>
      types[i] === 'address' ? `0x${TronWeb.address.toHex(v as string).slice(2)}` : v,
    );
    const rawParameter = coder.encode(types, values).slice(2);
    built = await tw.transactionBuilder.triggerSmartContract(contract, signature, { ...options, rawParameter }, []);
  } else {
    built = await tw.transactionBuilder.triggerSmartContract(contract, signature, options, params as never);
  }
  const signed = await tw.trx.sign(built.transaction);
  const res = await tw.trx.sendRawTransaction(signed);
  if (!res.result) {
    throw new Error(
      `broadcast refused: ${(res as { code?: string }).code} ${Buffer.from(String((res as { message?: string }).message ?? ''), 'hex').toString()}`,
    );
  }
  const txid = signed.txID;
  const info = (await tw.trx.getTransactionInfo(txid)) as Record<string, any>;
  if (!info.id) throw new Error(`no receipt for ${txid} (is the devnet in instamine mode?)`);
  if (info.result === 'FAILED') {
    const { name, args: errArgs } = decodeRevert(info.contractResult?.[0] ?? '');
    throw new RevertError(name, errArgs, info.receipt?.result, info);
  }
  return { txid, info, events: decodeEvents(info), energy: info.receipt?.energy_usage_total ?? 0, fee: info.fee ?? 0 };
}

/** Runs a view through `triggerconstantcontract` and returns the decoded outputs (bigint, base58). */
export async function call(
  devnet: Devnet,
  contract: string,
  signature: string,
  args: unknown[] = [],
  outputs: string[] = ['uint256'],
  from = 0,
): Promise<any> {
  return callEncoded(devnet, contract, signature, encodeParameter(signature, args), outputs, from);
}

/** `call` with the arguments already ABI-encoded (hex without 0x), for a caller that repeats one large call. */
export async function callEncoded(
  devnet: Devnet,
  contract: string,
  signature: string,
  parameter: string,
  outputs: string[] = ['uint256'],
  from = 0,
): Promise<any> {
  const tw = tronWebFor(devnet, from);
  const res = await fetch(`${devnet.url}/wallet/triggerconstantcontract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      owner_address: tw.defaultAddress.hex,
      contract_address: TronWeb.address.toHex(contract),
      function_selector: signature,
      parameter,
    }),
  });
  const body = (await res.json()) as { result?: { message?: string; code?: string }; constant_result?: string[] };
  const data = body.constant_result?.[0] ?? '';
  if (body.result?.message) {
    const { name, args: errArgs } = decodeRevert(data);
    throw new RevertError(name, errArgs, 'REVERT');
  }
  const decoded = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().decode(outputs, `0x${data}`);
  const values = outputs.map((t, i) => normalize(decoded[i], t));
  return values.length === 1 ? values[0] : values;
}

/** The ABI encoding (hex without 0x) of `args` for `signature`; addresses may be base58. */
export function encodeParameter(signature: string, args: unknown[]): string {
  const types = splitTypes(signature.slice(signature.indexOf('(') + 1, -1));
  const values = args.map((v, i) => (types[i] === 'address' ? `0x${TronWeb.address.toHex(v as string).slice(2)}` : v));
  return tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().encode(types, values).slice(2);
}

/** Asserts that `p` fails with custom error `name` and, when given, exactly these arguments. */
export async function expectRevert(p: Promise<unknown>, name: string, args?: unknown[]): Promise<RevertError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(
    err instanceof RevertError,
    `expected a revert with ${name}, got ${err === undefined ? 'success' : String(err)}`,
  );
  assert.equal(err.errorName, name, `expected ${name}, got ${err.message}`);
  if (args) assert.deepEqual(err.args, args);
  return err;
}

/** The single event named `name` in a result; fails if there is not exactly one. */
export function eventOf(r: TxResult, name: string): Record<string, unknown> {
  const found = r.events.filter((e) => e.name === name);
  assert.equal(
    found.length,
    1,
    `expected one ${name} event, got ${found.length}: ${r.events.map((e) => e.name).join(', ')}`,
  );
  return found[0]!.args;
}

/** TRX balance in sun. */
export async function trxBalance(devnet: Devnet, address: string): Promise<bigint> {
  const tw = tronWebFor(devnet, 0);
  return BigInt(await tw.trx.getBalance(address));
}

/**
 * A GiftSettled event's args as the GiftSent of sendGift would report the same gift (the tests
 * check both receipts alike), plus the intent hash, the signer and the split's basis points.
 */
export function settledReceipt(args: Record<string, unknown>) {
  const g = unpackGiftSettled(args as never);
  return {
    intentHash: args.intentHash as string,
    signer: g.signer,
    broadcasterBps: g.broadcasterBps,
    poolBps: g.poolBps,
    sent: {
      sender: g.sender,
      broadcaster: g.broadcaster,
      giftId: g.giftId,
      quantity: g.quantity,
      token: args.token as string,
      total: g.total,
      broadcasterAmount: g.broadcasterAmount,
      poolAmount: g.poolAmount,
      platformAmount: g.platformAmount,
      streamId: g.streamId,
      releaseAt: g.releaseAt,
      fromVault: true,
    },
  };
}

/**
 * Decodes what can go wrong with a contract write into a human message and what to do next:
 * custom errors from the ABIs (revert data -> error name + args), Error(string), Panic(uint256),
 * a rejected signature, insufficient balance or energy, a paused vault, network trouble.
 * Pure: no TronWeb, no DOM, so it is tested directly.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { toBase58 } from '../../../../lib/address.js';
import { formatUnits } from '../format.js';

export interface AbiParam {
  name: string;
  type: string;
}
export interface AbiEntry {
  type: string;
  name?: string;
  inputs?: AbiParam[];
}

export interface DecodedRevert {
  name: string;
  /** Decoded arguments: uints as decimal strings, addresses base58, bools, strings, bytes32 hex. */
  args: Record<string, string | boolean>;
}

/** `not-sent`: the transaction expired without reaching the chain (nothing charged; safe to retry). */
export type ErrorKind =
  | 'rejected'
  | 'revert'
  | 'balance'
  | 'energy'
  | 'paused'
  | 'network'
  | 'validation'
  | 'not-sent'
  | 'unknown';

export interface TxErrorInfo {
  kind: ErrorKind;
  message: string;
  /** What the user can do about it. */
  action: string;
  revert?: DecodedRevert;
}

export interface TokenInfo {
  symbol: string;
  decimals: number;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The 4-byte selector of `Name(type1,type2)` as 8 hex characters. */
export function selectorOf(signature: string): string {
  return hex(keccak_256(new TextEncoder().encode(signature))).slice(0, 8);
}

/** Base58 address from a 41-prefixed hex address (or a 20-byte hex one). */
export const hexToBase58 = toBase58;

function word(data: string, index: number): string {
  return data.slice(index * 64, index * 64 + 64);
}

function decodeParam(type: string, data: string, index: number): string | boolean {
  const w = word(data, index);
  if (w.length < 64) throw new Error('short revert data');
  if (type === 'address') return hexToBase58(`41${w.slice(24)}`);
  if (type === 'bool') return BigInt(`0x${w}`) !== 0n;
  if (/^uint\d*$/.test(type)) return BigInt(`0x${w}`).toString();
  if (/^int\d*$/.test(type)) {
    const v = BigInt(`0x${w}`);
    return (v >= 1n << 255n ? v - (1n << 256n) : v).toString();
  }
  if (/^bytes\d+$/.test(type)) return `0x${w.slice(0, Number(type.slice(5)) * 2)}`;
  if (type === 'string' || type === 'bytes') {
    const offset = Number(BigInt(`0x${w}`)) * 2;
    const len = Number(BigInt(`0x${data.slice(offset, offset + 64)}`));
    const body = data.slice(offset + 64, offset + 64 + len * 2);
    if (type === 'bytes') return `0x${body}`;
    const bytes = new Uint8Array(body.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
    return new TextDecoder().decode(bytes);
  }
  return `0x${w}`;
}

const BUILTIN: AbiEntry[] = [
  { type: 'error', name: 'Error', inputs: [{ name: 'message', type: 'string' }] },
  { type: 'error', name: 'Panic', inputs: [{ name: 'code', type: 'uint256' }] },
];

/** Decodes revert data (hex, with or without 0x) against the errors of the given ABIs; null if unknown or empty. */
export function decodeRevert(data: string | null | undefined, abis: AbiEntry[][]): DecodedRevert | null {
  if (!data) return null;
  const clean = data.replace(/^0x/, '').toLowerCase();
  if (clean.length < 8) return null;
  const sel = clean.slice(0, 8);
  const body = clean.slice(8);
  for (const entry of [...BUILTIN, ...abis.flat()]) {
    if (entry.type !== 'error' || !entry.name) continue;
    const inputs = entry.inputs ?? [];
    if (selectorOf(`${entry.name}(${inputs.map((i) => i.type).join(',')})`) !== sel) continue;
    try {
      const args: Record<string, string | boolean> = {};
      inputs.forEach((input, i) => {
        args[input.name || String(i)] = decodeParam(input.type, body, i);
      });
      return { name: entry.name, args };
    } catch {
      return { name: entry.name, args: {} };
    }
  }
  return null;
}

function time(sec: string | boolean | undefined): string {
  const n = Number(sec);
  return Number.isFinite(n) && n > 0
    ? `${new Date(n * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`
    : 'later';
}

/** A human message and an action for a decoded custom error. */
export function describeRevert(
  r: DecodedRevert,
  tokenOf: (address: string) => TokenInfo | undefined = () => undefined,
): TxErrorInfo {
  const a = r.args;
  const amt = (v: string | boolean | undefined, token?: string | boolean) => {
    const t = typeof token === 'string' ? tokenOf(token) : undefined;
    return t ? `${formatUnits(String(v ?? '0'), t.decimals, 6)} ${t.symbol}` : String(v ?? '');
  };
  const m = (message: string, action: string, kind: ErrorKind = 'revert'): TxErrorInfo => ({
    kind,
    message,
    action,
    revert: r,
  });
  switch (r.name) {
    case 'EnforcedPause':
      return m(
        'Deposits and gifts are paused by the platform.',
        'Withdrawals and claims still work; try gifting again later.',
        'paused',
      );
    case 'InsufficientBalance':
      return m(
        `Your vault balance is too low: ${amt(a.available, a.token)} available, ${amt(a.required, a.token)} needed.`,
        'Deposit more on the Wallet page, or send the gift directly from your wallet.',
        'balance',
      );
    case 'TRC20InsufficientBalance':
      return m(
        `Your wallet holds ${a.balance} base units, ${a.needed} are needed.`,
        'Get more of this token first.',
        'balance',
      );
    case 'TRC20InsufficientAllowance':
      return m('The vault is not approved to take this amount.', 'Approve first (the Approve step), then retry.');
    case 'AlreadyRegistered':
      return m('This account already has a handle.', 'Edit your profile instead.');
    case 'HandleTaken':
      return m(`The handle "${a.handle}" is taken.`, 'Pick another handle.');
    case 'InvalidHandle':
      return m(`"${a.handle}" is not a valid handle.`, 'Use 3-24 characters: a-z, 0-9 and _.');
    case 'NotRegistered':
      return m('This account has no handle yet.', 'Register a handle on your Profile page first.');
    case 'ProfileURITooLong':
      return m(`The profile text is too long (${a.length} > ${a.max} bytes).`, 'Shorten it.');
    case 'SelfFollow':
      return m('You cannot follow yourself.', '');
    case 'SelfGift':
      return m('You cannot send a gift to yourself.', 'Switch to another account to try gifting.');
    case 'NotBroadcaster':
      return m('The receiver is not a broadcaster.', 'They must turn on "broadcaster" on their profile.');
    case 'GiftDisabled':
      return m(`Gift #${a.giftId} is disabled.`, 'Pick another gift.');
    case 'UnknownGift':
      return m(`Gift #${a.giftId} does not exist.`, 'Reload the page to refresh the catalog.');
    case 'InvalidQuantity':
      return m(`Quantity must be between 1 and ${a.max}.`, 'Lower the quantity.');
    case 'GiftTermsChanged':
      return m(
        `The price changed: gift #${a.giftId} now costs ${amt(a.total, a.token)} for the quantity you picked.`,
        'Nothing was sent. The new price is shown above: review it and send again.',
      );
    case 'GiftTooSmall':
      return m(
        `This gift is too small: the broadcaster's ${Number(a.broadcasterBps) / 100}% share of it rounds down to zero.`,
        'Send a larger quantity or a pricier gift.',
        'validation',
      );
    case 'InvalidRecipient':
      return m(
        `Funds cannot be sent to ${a.to}: the vault or the reward pool would keep them for good.`,
        'Send them to another address.',
        'validation',
      );
    case 'SplitChangePending':
      return m(
        `An announced split change that raises a share applies first, at ${time(a.effectiveAt)}.`,
        'Wait until it applies, then announce the new change.',
      );
    case 'InsufficientSurplus':
      return m(
        `Only ${amt(a.available, a.token)} is held above what the vault owes; ${amt(a.required, a.token)} was requested.`,
        'Request at most the surplus.',
      );
    case 'WrongPayment':
      return m('The payment does not match the gift price.', 'Reload the page: the price may have changed.');
    case 'TokenNotAllowed':
      return m('This token is not accepted by the vault.', 'Use TRX, BTT or USDT.');
    case 'ZeroAmount':
      return m('The amount must be above zero.', 'Enter an amount.', 'validation');
    case 'NothingToClaim':
      return m('Nothing is claimable for this token yet.', 'Wait for the pending earnings to be released.');
    case 'ClaimsAreFrozen':
      return m(
        `Claims are frozen until ${time(a.until)} (dispute).`,
        'Wait until the freeze ends; nobody can move your earnings meanwhile.',
      );
    case 'UnexpectedAmountReceived':
      return m(
        'The token delivered less than the price (fee-on-transfer).',
        'Add to your BLive balance on the Wallet page first, and gift from it.',
      );
    case 'AlreadyClaimed':
      return m('This reward was already claimed.', 'Nothing to do.');
    case 'InvalidProof':
      return m('The proof does not match the published epoch.', 'Make sure the proof file is the one for this epoch.');
    case 'EpochExpired':
      return m(`The claim deadline passed (${time(a.claimDeadline)}).`, 'Unclaimed rewards return to the pool.');
    case 'UnknownEpoch':
      return m(`Epoch ${a.epochId} is not published.`, 'Check the epoch id of the proof file.');
    case 'SafeTRC20FailedOperation':
      return m('The token transfer failed.', 'Check your token balance and allowance.');
    case 'TRXTransferFailed':
      return m('Sending TRX failed.', 'Try again; contact support if it repeats.');
    case 'AccessControlUnauthorizedAccount':
      return m('Your account lacks the role for this action.', 'Only an administrator can do this.');
    case 'Error':
      return m(String(a.message ?? 'Reverted'), 'Check the inputs and try again.');
    case 'Panic':
      return m(`The contract panicked (code ${a.code}).`, 'This is a bug: please report it.');
    default:
      return m(`The contract refused: ${r.name}(${Object.values(a).join(', ')}).`, 'Check the inputs and try again.');
  }
}

function messageOf(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const o = err as { message?: unknown; error?: unknown };
    if (typeof o.message === 'string') return o.message;
    if (typeof o.error === 'string') return o.error;
  }
  return String(err);
}

/** Hex-encoded java-tron messages are decoded to text when they look like hex. */
export function maybeHexText(s: string): string {
  if (/^([0-9a-f]{2})+$/i.test(s) && s.length >= 8) {
    try {
      const t = new TextDecoder('utf-8', { fatal: true }).decode(
        new Uint8Array(s.match(/../g)!.map((b) => parseInt(b, 16))),
      );
      if (/^[\x20-\x7e\s]+$/.test(t)) return t;
    } catch {
      // not text
    }
  }
  return s;
}

/** Classifies any error a write can raise (wallet, node, contract) into a message and an action. */
export function classifyError(
  err: unknown,
  abis: AbiEntry[][],
  tokenOf?: (address: string) => TokenInfo | undefined,
): TxErrorInfo {
  const revertData =
    err && typeof err === 'object' && typeof (err as { revertData?: unknown }).revertData === 'string'
      ? (err as { revertData: string }).revertData
      : undefined;
  const decoded = decodeRevert(revertData, abis);
  if (decoded) return describeRevert(decoded, tokenOf);
  const msg = maybeHexText(messageOf(err));
  const low = msg.toLowerCase();
  if (/reject|denied|cancel|declined|user closed|not allowed by the user/.test(low)) {
    return {
      kind: 'rejected',
      message: 'You rejected the request in your wallet.',
      action: 'Nothing was sent. Try again when ready.',
    };
  }
  if (/out_of_energy|out of energy|energy/.test(low) && !/estimate/.test(low)) {
    return {
      kind: 'energy',
      message: 'Not enough energy or TRX to pay for this call.',
      action: 'Keep more TRX in your wallet (energy is paid in TRX), then retry.',
    };
  }
  if (/balance is not sufficient|insufficient|not enough/.test(low)) {
    return {
      kind: 'balance',
      message: 'Your TRX balance is too low for this transaction.',
      action: 'Add TRX to your wallet, then retry.',
    };
  }
  if (/bandwith|bandwidth/.test(low)) {
    return {
      kind: 'energy',
      message: 'Not enough bandwidth or TRX to pay for it.',
      action: 'Keep some TRX in your wallet, then retry.',
    };
  }
  if (/trc-10|trc10_not_accepted/.test(low)) {
    return {
      kind: 'validation',
      message: 'TRC-10 tokens cannot be sent to BLive: our contracts would keep them for good.',
      action: 'Send the call without a TRC-10 token value.',
    };
  }
  if (/failed to fetch|network|timeout|timed out|econn|503|502/.test(low)) {
    return {
      kind: 'network',
      message: 'The network did not answer.',
      action: 'Check your connection and retry; nothing was sent if no transaction id is shown.',
    };
  }
  if (/revert/.test(low)) {
    return {
      kind: 'revert',
      message: 'The contract refused this call.',
      action: 'Check the inputs and your balances, then retry.',
    };
  }
  return {
    kind: 'unknown',
    message: msg.slice(0, 300) || 'Something went wrong.',
    action: 'Retry; if it repeats, reload the page.',
  };
}

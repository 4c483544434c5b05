/**
 * The life of one contract write, as a pure state machine:
 *
 *   idle -> estimating -> [review] -> signing -> broadcasting -> pending -> confirmed -> final
 *                                                     |             ^
 *                                                     v             |  (found on chain)
 *                                                  checking --------+
 *
 * `review`: the write waits for the user to confirm in the app (amount parsed, fee bound) before
 * the wallet is asked. `checking`: the transaction was signed (its id, sha256 of raw_data, is
 * known) and sent, but the node's answer was lost; it may be on chain. It leaves `checking` only
 * when the transaction is found (pending, confirmed or final) or when it has expired without
 * being found (failed, `not-sent`: only then is a retry safe). A reload resumes `checking` from
 * the kept transaction id (`resume`). Any step may fail; `canSubmit` guards against double
 * submission: only idle, failed or final may start again, never checking.
 */
import type { FeeQuote } from './fees.js';

export type TxPhase =
  | 'idle'
  | 'estimating'
  | 'review'
  | 'signing'
  | 'broadcasting'
  | 'checking'
  | 'pending'
  | 'confirmed'
  | 'final'
  | 'failed';

export interface TxError {
  kind: string;
  message: string;
  action: string;
  /** The decoded custom error, when the contract refused (name and arguments). */
  revert?: { name: string; args: Record<string, string | boolean> };
}

export interface TxState {
  phase: TxPhase;
  txId?: string;
  energy?: number;
  /** The fee expected from the simulation (sun). */
  feeSun?: bigint;
  /** The most the sender can be charged in fees (sun): shown before signing. */
  maxFeeSun?: bigint;
  /** The fee the receipt says was charged (sun). */
  feePaidSun?: bigint;
  /** Who pays the energy, as quoted before signing (BLive's staked energy, or the sender). */
  payer?: 'blive' | 'shared' | 'you';
  blockNumber?: number;
  error?: TxError;
}

export type TxEvent =
  | { type: 'start' }
  | { type: 'estimated'; energy: number; quote: FeeQuote; review: boolean }
  | { type: 'confirm' }
  | { type: 'cancel' }
  | { type: 'signed'; txId: string }
  | { type: 'answerLost' }
  | { type: 'resume'; txId: string }
  | { type: 'broadcast'; txId: string }
  | { type: 'included'; blockNumber: number; feePaidSun?: bigint }
  | { type: 'finalized' }
  | { type: 'fail'; error: TxError }
  | { type: 'reset' };

/** Error kinds that settle a sent transaction: the receipt failed, or it expired without being found. */
const SETTLED_KINDS = new Set(['revert', 'energy', 'paused', 'balance', 'not-sent']);

const ORDER: TxPhase[] = [
  'idle',
  'estimating',
  'review',
  'signing',
  'broadcasting',
  'checking',
  'pending',
  'confirmed',
  'final',
];

/** Whether a new submission may start from this phase. */
export function canSubmit(phase: TxPhase): boolean {
  return phase === 'idle' || phase === 'failed' || phase === 'final';
}

/** Whether the write is in flight (the button must stay disabled). */
export function isBusy(phase: TxPhase): boolean {
  return !canSubmit(phase) && phase !== 'confirmed';
}

/** Whether the transaction may be on chain without the app knowing yet: no retry may be offered. */
export function outcomeUnknown(phase: TxPhase): boolean {
  return phase === 'broadcasting' || phase === 'checking' || phase === 'pending';
}

/** Applies an event; events that make no sense in the current phase leave it unchanged. */
export function txReduce(s: TxState, e: TxEvent): TxState {
  const before = (p: TxPhase) => ORDER.indexOf(s.phase) >= 0 && ORDER.indexOf(s.phase) < ORDER.indexOf(p);
  switch (e.type) {
    case 'start':
      return canSubmit(s.phase) ? { phase: 'estimating' } : s;
    case 'estimated':
      return s.phase === 'estimating'
        ? {
            ...s,
            phase: e.review ? 'review' : 'signing',
            energy: e.energy,
            feeSun: e.quote.expectedSun,
            maxFeeSun: e.quote.maxSun,
            payer: e.quote.payer,
          }
        : s;
    case 'confirm':
      return s.phase === 'review' ? { ...s, phase: 'signing' } : s;
    case 'cancel':
      return s.phase === 'review' ? { phase: 'idle' } : s;
    case 'signed':
      return s.phase === 'signing' ? { ...s, phase: 'broadcasting', txId: e.txId } : s;
    case 'answerLost':
      return s.phase === 'broadcasting' ? { ...s, phase: 'checking' } : s;
    case 'resume':
      return canSubmit(s.phase) ? { phase: 'checking', txId: e.txId } : s;
    case 'broadcast':
      return s.phase === 'broadcasting' || s.phase === 'checking' ? { ...s, phase: 'pending', txId: e.txId } : s;
    case 'included':
      return s.phase === 'pending' || s.phase === 'confirmed' || s.phase === 'checking'
        ? {
            ...s,
            phase: 'confirmed',
            blockNumber: e.blockNumber,
            ...(e.feePaidSun !== undefined ? { feePaidSun: e.feePaidSun } : {}),
          }
        : s;
    case 'finalized':
      // A finality notice may overtake the receipt poll: pending (or checking) -> final is allowed.
      return before('final') && (s.phase === 'pending' || s.phase === 'confirmed' || s.phase === 'checking')
        ? { ...s, phase: 'final' }
        : s;
    case 'fail':
      if (s.phase === 'final' || s.phase === 'idle') return s;
      // Once sent, only the chain can fail a write (a failed receipt, or expiry unseen): losing
      // the network meanwhile says nothing about the transaction.
      if (outcomeUnknown(s.phase) && s.phase !== 'broadcasting' && !SETTLED_KINDS.has(e.error.kind)) return s;
      return { ...s, phase: 'failed', error: e.error };
    case 'reset':
      return isBusy(s.phase) ? s : { phase: 'idle' };
  }
}

/** A short label for the phase. */
export function phaseLabel(p: TxPhase): string {
  return {
    idle: '',
    estimating: 'Estimating energy…',
    review: 'Review below…',
    signing: 'Confirm in your wallet…',
    broadcasting: 'Sending…',
    checking: 'Checking…',
    pending: 'Pending',
    confirmed: 'Confirmed',
    final: 'Final',
    failed: 'Failed',
  }[p];
}

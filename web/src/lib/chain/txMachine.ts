/**
 * The life of one contract write, as a pure state machine:
 * idle -> estimating -> signing -> broadcasting -> pending (in the mempool / a block not yet seen)
 * -> confirmed (receipt in a block) -> final (solidified) ; any step may go to failed.
 * `canSubmit` guards against double submission: only idle, failed or final may start again.
 */
export type TxPhase = 'idle' | 'estimating' | 'signing' | 'broadcasting' | 'pending' | 'confirmed' | 'final' | 'failed';

export interface TxState {
  phase: TxPhase;
  txId?: string;
  energy?: number;
  feeSun?: bigint;
  blockNumber?: number;
  error?: { kind: string; message: string; action: string };
}

export type TxEvent =
  | { type: 'start' }
  | { type: 'estimated'; energy: number; feeSun: bigint }
  | { type: 'signed' }
  | { type: 'broadcast'; txId: string }
  | { type: 'included'; blockNumber: number }
  | { type: 'finalized' }
  | { type: 'fail'; error: { kind: string; message: string; action: string } }
  | { type: 'reset' };

const ORDER: TxPhase[] = ['idle', 'estimating', 'signing', 'broadcasting', 'pending', 'confirmed', 'final'];

/** Whether a new submission may start from this phase. */
export function canSubmit(phase: TxPhase): boolean {
  return phase === 'idle' || phase === 'failed' || phase === 'final';
}

/** Whether the write is in flight (the button must stay disabled). */
export function isBusy(phase: TxPhase): boolean {
  return !canSubmit(phase) && phase !== 'confirmed';
}

/** Applies an event; events that make no sense in the current phase leave it unchanged. */
export function txReduce(s: TxState, e: TxEvent): TxState {
  const at = (p: TxPhase) => ORDER.indexOf(s.phase) >= 0 && ORDER.indexOf(s.phase) < ORDER.indexOf(p);
  switch (e.type) {
    case 'start':
      return canSubmit(s.phase) ? { phase: 'estimating' } : s;
    case 'estimated':
      return s.phase === 'estimating' ? { ...s, phase: 'signing', energy: e.energy, feeSun: e.feeSun } : s;
    case 'signed':
      return s.phase === 'signing' ? { ...s, phase: 'broadcasting' } : s;
    case 'broadcast':
      return s.phase === 'broadcasting' ? { ...s, phase: 'pending', txId: e.txId } : s;
    case 'included':
      return s.phase === 'pending' || s.phase === 'confirmed' ? { ...s, phase: 'confirmed', blockNumber: e.blockNumber } : s;
    case 'finalized':
      // A finality notice may overtake the receipt poll: pending -> final is allowed.
      return at('final') && (s.phase === 'pending' || s.phase === 'confirmed') ? { ...s, phase: 'final' } : s;
    case 'fail':
      return s.phase === 'final' || s.phase === 'idle' ? s : { ...s, phase: 'failed', error: e.error };
    case 'reset':
      return isBusy(s.phase) ? s : { phase: 'idle' };
  }
}

/** A short label for the phase. */
export function phaseLabel(p: TxPhase): string {
  return {
    idle: '',
    estimating: 'Estimating energy…',
    signing: 'Confirm in your wallet…',
    broadcasting: 'Sending…',
    pending: 'Pending',
    confirmed: 'Confirmed',
    final: 'Final',
    failed: 'Failed',
  }[p];
}

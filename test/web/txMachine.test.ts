import assert from 'node:assert/strict';
import {
  txReduce,
  canSubmit,
  isBusy,
  outcomeUnknown,
  type TxState,
  type TxEvent,
} from '../../web/src/lib/chain/txMachine.js';
import type { FeeQuote } from '../../web/src/lib/chain/fees.js';

const err = { kind: 'revert', message: 'no', action: 'retry' };
const quote: FeeQuote = {
  expectedSun: 9_870_000n,
  maxSun: 18_450_000n,
  bandwidthBytes: 345,
  bandwidthSun: 345_000n,
  freeBandwidth: 600,
  feeLimit: 18_105_000n,
  energy: 47_000,
  sponsoredEnergy: 0n,
  energySun: 9_525_000n,
  payer: 'you',
  sponsorExhausted: false,
};
const walk = (events: TxEvent[], from: TxState = { phase: 'idle' }) => events.reduce(txReduce, from);

describe('web txMachine', () => {
  it('walks idle -> estimating -> signing -> broadcasting -> pending -> confirmed -> final', () => {
    let s: TxState = { phase: 'idle' };
    s = txReduce(s, { type: 'start' });
    assert.equal(s.phase, 'estimating');
    s = txReduce(s, { type: 'estimated', energy: 47_000, quote, review: false });
    assert.deepEqual([s.phase, s.energy, s.feeSun, s.maxFeeSun], ['signing', 47_000, 9_870_000n, 18_450_000n]);
    s = txReduce(s, { type: 'signed', txId: 'ab' });
    assert.deepEqual([s.phase, s.txId], ['broadcasting', 'ab']);
    s = txReduce(s, { type: 'broadcast', txId: 'ab' });
    assert.deepEqual([s.phase, s.txId], ['pending', 'ab']);
    s = txReduce(s, { type: 'included', blockNumber: 12, feePaidSun: 9_000_000n });
    assert.deepEqual([s.phase, s.blockNumber, s.feePaidSun], ['confirmed', 12, 9_000_000n]);
    s = txReduce(s, { type: 'finalized' });
    assert.equal(s.phase, 'final');
  });
  it('waits in review for the user before the wallet; cancelling goes back to idle with nothing signed', () => {
    const r = walk([{ type: 'start' }, { type: 'estimated', energy: 1, quote, review: true }]);
    assert.equal(r.phase, 'review');
    assert.equal(isBusy('review'), true, 'the button stays disabled while the review is open');
    assert.equal(txReduce(r, { type: 'signed', txId: 'x' }), r, 'no signature before the review is confirmed');
    assert.equal(txReduce(r, { type: 'confirm' }).phase, 'signing');
    assert.deepEqual(txReduce(r, { type: 'cancel' }), { phase: 'idle' });
  });
  it('a lost broadcast answer goes to checking, never to failed by a network error, and on to final once found', () => {
    let s = walk([
      { type: 'start' },
      { type: 'estimated', energy: 1, quote, review: false },
      { type: 'signed', txId: 'ab' },
      { type: 'answerLost' },
    ]);
    assert.deepEqual([s.phase, s.txId], ['checking', 'ab']);
    assert.equal(canSubmit('checking'), false);
    assert.equal(isBusy('checking'), true);
    assert.equal(outcomeUnknown('checking'), true);
    assert.equal(txReduce(s, { type: 'start' }), s, 'no second submission while checking');
    assert.equal(txReduce(s, { type: 'reset' }), s);
    for (const kind of ['network', 'unknown', 'rejected'])
      assert.equal(txReduce(s, { type: 'fail', error: { ...err, kind } }), s, `${kind} does not end checking`);
    s = txReduce(s, { type: 'broadcast', txId: 'ab' });
    assert.equal(s.phase, 'pending', 'found in a block');
    s = walk([{ type: 'included', blockNumber: 3 }, { type: 'finalized' }], s);
    assert.equal(s.phase, 'final');
    // A receipt may be the first sign of it.
    assert.equal(txReduce({ phase: 'checking', txId: 'ab' }, { type: 'included', blockNumber: 3 }).phase, 'confirmed');
  });
  it('leaves checking as failed only when the chain settles it: expired unseen (not-sent) or a failed receipt', () => {
    const notSent = txReduce(
      { phase: 'checking', txId: 'ab' },
      { type: 'fail', error: { kind: 'not-sent', message: 'Not sent', action: 'It is safe to retry.' } },
    );
    assert.deepEqual([notSent.phase, notSent.txId], ['failed', 'ab']);
    assert.equal(canSubmit(notSent.phase), true, 'only now may it be sent again');
    assert.equal(txReduce({ phase: 'checking', txId: 'ab' }, { type: 'fail', error: err }).phase, 'failed');
    assert.equal(
      txReduce({ phase: 'pending', txId: 'ab' }, { type: 'fail', error: { ...err, kind: 'network' } }).phase,
      'pending',
      'a sent write is not failed by the network',
    );
  });
  it('resumes checking a kept transaction id after a reload', () => {
    assert.deepEqual(txReduce({ phase: 'idle' }, { type: 'resume', txId: 'ab' }), { phase: 'checking', txId: 'ab' });
    const busy: TxState = { phase: 'pending', txId: 'x' };
    assert.equal(txReduce(busy, { type: 'resume', txId: 'ab' }), busy);
  });
  it('refuses a second start while a write is in flight (no double submission)', () => {
    for (const phase of ['estimating', 'review', 'signing', 'broadcasting', 'checking', 'pending'] as const) {
      const s: TxState = { phase, txId: 'x' };
      assert.equal(canSubmit(phase), false);
      assert.equal(isBusy(phase), true);
      assert.equal(txReduce(s, { type: 'start' }), s);
      assert.equal(txReduce(s, { type: 'reset' }), s);
    }
    assert.equal(txReduce({ phase: 'failed', error: err }, { type: 'start' }).phase, 'estimating');
    assert.equal(txReduce({ phase: 'final' }, { type: 'start' }).phase, 'estimating');
  });
  it('ignores events out of order', () => {
    const s: TxState = { phase: 'estimating' };
    assert.equal(txReduce(s, { type: 'broadcast', txId: 'x' }), s);
    assert.equal(txReduce(s, { type: 'finalized' }), s);
    assert.equal(txReduce(s, { type: 'answerLost' }), s);
    assert.equal(txReduce(s, { type: 'confirm' }), s);
  });
  it('lets a finality notice overtake the receipt poll', () => {
    assert.equal(txReduce({ phase: 'pending', txId: 'x' }, { type: 'finalized' }).phase, 'final');
  });
  it('fails from any step before sending, keeping the tx id, but never un-finalizes', () => {
    const f = txReduce({ phase: 'broadcasting', txId: 'x' }, { type: 'fail', error: { ...err, kind: 'network' } });
    assert.deepEqual([f.phase, f.txId], ['failed', 'x']);
    const g = txReduce({ phase: 'pending', txId: 'x' }, { type: 'fail', error: err });
    assert.deepEqual([g.phase, g.txId, g.error], ['failed', 'x', err]);
    assert.equal(txReduce({ phase: 'final' }, { type: 'fail', error: err }).phase, 'final');
  });
});

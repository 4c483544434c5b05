import assert from 'node:assert/strict';
import { txReduce, canSubmit, isBusy, type TxState } from '../../web/src/lib/chain/txMachine.js';

const err = { kind: 'revert', message: 'no', action: 'retry' };

describe('web txMachine', () => {
  it('walks idle -> estimating -> signing -> broadcasting -> pending -> confirmed -> final', () => {
    let s: TxState = { phase: 'idle' };
    s = txReduce(s, { type: 'start' });
    assert.equal(s.phase, 'estimating');
    s = txReduce(s, { type: 'estimated', energy: 47_000, feeSun: 9_870_000n });
    assert.equal(s.phase, 'signing');
    assert.equal(s.energy, 47_000);
    s = txReduce(s, { type: 'signed' });
    s = txReduce(s, { type: 'broadcast', txId: 'ab' });
    assert.deepEqual([s.phase, s.txId], ['pending', 'ab']);
    s = txReduce(s, { type: 'included', blockNumber: 12 });
    assert.deepEqual([s.phase, s.blockNumber], ['confirmed', 12]);
    s = txReduce(s, { type: 'finalized' });
    assert.equal(s.phase, 'final');
  });
  it('refuses a second start while a write is in flight (no double submission)', () => {
    for (const phase of ['estimating', 'signing', 'broadcasting', 'pending'] as const) {
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
  });
  it('lets a finality notice overtake the receipt poll', () => {
    assert.equal(txReduce({ phase: 'pending', txId: 'x' }, { type: 'finalized' }).phase, 'final');
  });
  it('fails from any step in flight, keeping the tx id, but never un-finalizes', () => {
    const f = txReduce({ phase: 'pending', txId: 'x' }, { type: 'fail', error: err });
    assert.deepEqual([f.phase, f.txId, f.error], ['failed', 'x', err]);
    assert.equal(txReduce({ phase: 'final' }, { type: 'fail', error: err }).phase, 'final');
  });
});

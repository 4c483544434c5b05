import assert from 'node:assert/strict';
import { bucketize, layoutBars, percentOf } from '../../web/src/lib/chartMath.js';

const DAY = 86_400_000;

describe('web chartMath', () => {
  it('sums points per day and fills empty days with zero', () => {
    const b = bucketize(
      [
        { t: 0, v: 1n },
        { t: 1000, v: 2n },
        { t: 2 * DAY + 5, v: 7n },
      ],
      DAY,
    );
    assert.deepEqual(b, [
      { t: 0, v: 3n },
      { t: DAY, v: 0n },
      { t: 2 * DAY, v: 7n },
    ]);
  });
  it('keeps only the last maxBuckets buckets', () => {
    const b = bucketize(
      [
        { t: 0, v: 1n },
        { t: 10 * DAY, v: 1n },
      ],
      DAY,
      3,
    );
    assert.equal(b.length, 3);
    assert.equal(b[0]!.t, 8 * DAY);
  });
  it('scales bars to the largest value, keeping 18-decimal amounts ordered, and shows tiny values', () => {
    const big = 10n ** 30n;
    const bars = layoutBars(
      [
        { t: 0, v: big },
        { t: 1, v: big / 2n },
        { t: 2, v: 1n },
        { t: 3, v: 0n },
      ],
      400,
      100,
    );
    assert.equal(bars[0]!.height, 100);
    assert.equal(bars[1]!.height, 50);
    assert.equal(bars[2]!.height, 1);
    assert.equal(bars[3]!.height, 0);
    assert.equal(bars[0]!.y, 0);
  });
  it('computes percentages of a total', () => {
    assert.equal(percentOf(1n, 3n), 33.3);
    assert.equal(percentOf(5n, 0n), 0);
  });
});

describe('web chartMath bucketize until', () => {
  it('extends the range to `until` and back to maxBuckets, so one gift still reads as one day of thirty', () => {
    const b = bucketize([{ t: 5 * DAY, v: 4n }], DAY, 30, 9 * DAY + 1);
    assert.equal(b.length, 30);
    assert.equal(b[b.length - 1]!.t, 9 * DAY);
    assert.equal(b.find((p) => p.v > 0n)!.t, 5 * DAY);
  });
});

/**
 * The ingest's transport-wide CC feedback, read back with a parser written from the draft
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01, section 3.1) the way libwebrtc reads it:
 * chunks until the status count is reached, then one delta per received packet.
 */
import assert from 'node:assert/strict';
import { TwccFeedback, encodeChunks } from '../../../live/streams/media/embedded/twcc.js';

interface Parsed {
  base: number;
  count: number;
  fbCount: number;
  /** Sequence number -> arrival in microseconds (reference time + deltas), received ones only. */
  arrivals: Map<number, number>;
  lost: number[];
}

function parse(buf: Buffer): Parsed {
  assert.equal(buf[0]! >> 6, 2, 'version');
  assert.equal(buf[0]! & 0x1f, 15, 'FMT');
  assert.equal(buf[1], 205, 'PT');
  assert.equal((buf.readUInt16BE(2) + 1) * 4, buf.length, 'length field');
  const padded = (buf[0]! & 0x20) !== 0;
  const end = buf.length - (padded ? buf[buf.length - 1]! : 0);
  const base = buf.readUInt16BE(12);
  const count = buf.readUInt16BE(14);
  const ref = buf.readIntBE(16, 3);
  const statuses: number[] = [];
  let o = 20;
  while (statuses.length < count) {
    const chunk = buf.readUInt16BE(o);
    o += 2;
    if ((chunk & 0x8000) === 0) {
      for (let i = 0; i < (chunk & 0x1fff); i++) statuses.push((chunk >> 13) & 3);
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 0; i < 14; i++) statuses.push((chunk >> (13 - i)) & 1);
    } else {
      for (let i = 0; i < 7; i++) statuses.push((chunk >> (12 - 2 * i)) & 3);
    }
  }
  statuses.length = count;
  const arrivals = new Map<number, number>();
  const lost: number[] = [];
  let t = ref * 64_000;
  for (const [i, s] of statuses.entries()) {
    const seq = (base + i) & 0xffff;
    if (s === 0) {
      lost.push(seq);
      continue;
    }
    assert.notEqual(s, 3, 'reserved status');
    const delta = s === 1 ? buf.readUInt8(o) : buf.readInt16BE(o);
    o += s;
    t += delta * 250;
    arrivals.set(seq, t);
  }
  assert.ok(o <= end, 'deltas within the packet');
  return { base, count, fbCount: buf[19]!, arrivals, lost };
}

describe('transport-wide CC feedback', () => {
  it('reports every arrival once, in order, with its time to 250 µs, and the gaps as lost', () => {
    const fb = new TwccFeedback(1, 2);
    const sent: [number, number][] = [];
    let t = 1_000_000_000; // µs
    for (let seq = 100; seq < 160; seq++) {
      t += seq % 10 === 0 ? 70_000 : 1_100; // some gaps bigger than a small delta
      if (seq === 120 || seq === 121 || seq === 150) continue; // lost
      sent.push([seq, t]);
      fb.record(seq, t);
    }
    const [packet, ...rest] = fb.take();
    assert.equal(rest.length, 0);
    const p = parse(packet!);
    assert.equal(p.base, 100);
    assert.equal(p.count, 60);
    assert.deepEqual(p.lost, [120, 121, 150]);
    for (const [seq, at] of sent) assert.ok(Math.abs(p.arrivals.get(seq)! - at) < 250, `seq ${seq}`);
    assert.deepEqual(fb.take(), [], 'nothing new, nothing sent');
  });

  it('crosses the 16-bit wrap, counts feedback packets and reports a late packet in the next one', () => {
    const fb = new TwccFeedback(1, 2);
    for (const seq of [65533, 65534, 65535, 0, 2]) fb.record(seq, 5_000_000 + seq);
    const first = parse(fb.take()[0]!);
    assert.equal(first.base, 65533);
    assert.equal(first.count, 6);
    assert.deepEqual(first.lost, [1]);
    fb.record(1, 5_100_000); // arrives late
    fb.record(3, 5_100_500);
    const second = parse(fb.take()[0]!);
    assert.equal(second.fbCount, (first.fbCount + 1) & 0xff);
    assert.equal(second.base, 1);
    assert.deepEqual([...second.arrivals.keys()], [1, 2, 3]);
  });

  it('starts a new packet when a delta would not fit in 16 bits', () => {
    const fb = new TwccFeedback(1, 2);
    fb.record(10, 1_000_000);
    fb.record(11, 1_000_000 + 9_000_000); // 9 s later: beyond 8.19 s
    const packets = fb.take().map(parse);
    assert.deepEqual(
      packets.map((p) => [p.base, p.count]),
      [
        [10, 1],
        [11, 1],
      ],
    );
  });

  it('encodes runs as run-length chunks and mixed statuses as vectors', () => {
    assert.deepEqual(encodeChunks(Array(20).fill(1)), [(1 << 13) | 20]);
    assert.deepEqual(encodeChunks([1, 0, 1, 0]), [0x8000 | (1 << 13) | (1 << 11)]);
    assert.deepEqual(encodeChunks([2, 1]), [0xc000 | (2 << 12) | (1 << 10)]);
  });
});

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01),
 * sent by the ingest to the broadcaster's browser. Chromium's send-side bandwidth estimate only
 * grows with feedback it understands: without it a 720p camera is sent at 180p and ~100 kbit/s.
 *
 * werift 0.24 has a receiver-side generator, but it keeps one per m-section while the sequence
 * numbers are shared by every packet of the bundle (audio and video), reports the other section's
 * packets as received without a delta, and breaks at the 16-bit wrap: Chromium then reads the
 * feedback as heavy loss and backs off. This one sees every packet of the transport.
 */

/** RTCP transport-layer feedback, FMT 15 (transport-wide CC). */
const RTPFB = 205;
const FMT_TWCC = 15;
/** Receive deltas are in 250 µs ticks; the reference time in 64 ms units (256 ticks). */
const TICK_US = 250;
const TICKS_PER_REF = 256;
/** Statuses per feedback packet: keeps a packet well under the MTU even when all are received. */
const MAX_STATUSES = 1000;
/** Arrivals kept behind the reporting window, so a late (reordered) packet can be reported. */
const KEEP_BEHIND = 1000;

enum Status {
  NotReceived = 0,
  SmallDelta = 1,
  LargeDelta = 2,
}

/** Records arrivals of transport-wide sequence numbers and turns them into feedback packets. */
export class TwccFeedback {
  /** Unwrapped sequence number -> arrival, in ticks. */
  private readonly arrivals = new Map<number, number>();
  /** Highest unwrapped sequence number seen; null before the first packet. */
  private highest: number | null = null;
  /** First sequence number not yet reported (moves back when a late packet arrives). */
  private windowStart: number | null = null;
  private feedbackCount = 0;

  /**
   * @param senderSsrc the SSRC our RTCP is sent from
   * @param mediaSsrc the broadcaster's media SSRC the feedback names (receivers ignore it)
   */
  constructor(
    private readonly senderSsrc: number,
    private mediaSsrc: number,
  ) {}

  /** Sets the media SSRC once it is known (the first packet's). */
  setMediaSsrc(ssrc: number): void {
    this.mediaSsrc = ssrc;
  }

  /** Records that the packet with 16-bit transport sequence number `seq` arrived at `arrivalUs`. */
  record(seq: number, arrivalUs: number): void {
    const unwrapped = this.unwrap(seq & 0xffff);
    if (this.arrivals.has(unwrapped)) return; // a duplicate keeps its first arrival
    this.arrivals.set(unwrapped, Math.floor(arrivalUs / TICK_US));
    if (this.windowStart === null || unwrapped < this.windowStart) this.windowStart = unwrapped;
  }

  /** The feedback packets for the arrivals not reported yet (none when nothing arrived). */
  take(): Buffer[] {
    if (this.windowStart === null || this.highest === null || this.windowStart > this.highest) return [];
    const packets: Buffer[] = [];
    let from = this.windowStart;
    while (from <= this.highest) {
      while (from <= this.highest && !this.arrivals.has(from)) from++;
      if (from > this.highest) break;
      const { packet, next } = this.build(from, this.highest);
      packets.push(packet);
      from = next;
    }
    this.windowStart = this.highest + 1;
    for (const seq of this.arrivals.keys()) {
      if (seq < this.windowStart - KEEP_BEHIND) this.arrivals.delete(seq);
    }
    return packets;
  }

  private unwrap(seq: number): number {
    if (this.highest === null) {
      this.highest = seq;
      return seq;
    }
    const diff = ((seq - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    const unwrapped = this.highest + diff;
    if (unwrapped > this.highest) this.highest = unwrapped;
    return unwrapped;
  }

  /**
   * One feedback packet starting at `base` (a received packet), covering as much of `base..last`
   * as fits: at most MAX_STATUSES, and deltas within a signed 16-bit tick count.
   */
  private build(base: number, last: number): { packet: Buffer; next: number } {
    const firstTicks = this.arrivals.get(base)!;
    const refTime = Math.floor(firstTicks / TICKS_PER_REF);
    let prev = refTime * TICKS_PER_REF;
    const statuses: Status[] = [];
    const deltas: number[] = [];
    let end = base; // one past the last sequence number in this packet
    for (let seq = base; seq <= last && statuses.length < MAX_STATUSES; seq++) {
      const at = this.arrivals.get(seq);
      if (at === undefined) {
        statuses.push(Status.NotReceived);
        continue;
      }
      const delta = at - prev;
      if (delta < -0x8000 || delta > 0x7fff) break; // the next packet starts a new reference time
      statuses.push(delta >= 0 && delta <= 0xff ? Status.SmallDelta : Status.LargeDelta);
      deltas.push(delta);
      prev = at;
      end = seq + 1;
    }
    // Trailing "not received" statuses would only be repeated by the next packet: end at a received one.
    statuses.length = end - base;
    return { packet: this.serialize(base, refTime, statuses, deltas), next: end };
  }

  private serialize(base: number, refTime: number, statuses: readonly Status[], deltas: readonly number[]): Buffer {
    const chunks = encodeChunks(statuses);
    const deltaBytes = statuses.reduce(
      (n, s) => n + (s === Status.SmallDelta ? 1 : s === Status.LargeDelta ? 2 : 0),
      0,
    );
    const unpadded = 4 + 16 + chunks.length * 2 + deltaBytes;
    const padding = (4 - (unpadded % 4)) % 4;
    const buf = Buffer.alloc(unpadded + padding);
    buf[0] = 0x80 | (padding ? 0x20 : 0) | FMT_TWCC;
    buf[1] = RTPFB;
    buf.writeUInt16BE(buf.length / 4 - 1, 2);
    buf.writeUInt32BE(this.senderSsrc >>> 0, 4);
    buf.writeUInt32BE(this.mediaSsrc >>> 0, 8);
    buf.writeUInt16BE(base & 0xffff, 12);
    buf.writeUInt16BE(statuses.length, 14);
    buf.writeUIntBE(refTime & 0xffffff, 16, 3);
    buf[19] = this.feedbackCount;
    this.feedbackCount = (this.feedbackCount + 1) & 0xff;
    let o = 20;
    for (const chunk of chunks) o = buf.writeUInt16BE(chunk, o);
    let d = 0;
    for (const s of statuses) {
      if (s === Status.SmallDelta) o = buf.writeUInt8(deltas[d++]!, o);
      else if (s === Status.LargeDelta) o = buf.writeInt16BE(deltas[d++]!, o);
    }
    if (padding) buf[buf.length - 1] = padding;
    return buf;
  }
}

/**
 * Packet status chunks: a run-length chunk for 7 or more equal statuses, else a status vector
 * (14 one-bit symbols when none is a large delta, 7 two-bit ones otherwise). A last vector may
 * hold fewer symbols than it has room for: the receiver stops at the packet status count.
 */
export function encodeChunks(statuses: readonly number[]): number[] {
  const chunks: number[] = [];
  let i = 0;
  while (i < statuses.length) {
    const s = statuses[i]!;
    let run = 1;
    while (i + run < statuses.length && statuses[i + run] === s && run < 0x1fff) run++;
    if (run >= 7) {
      chunks.push((s << 13) | run);
      i += run;
      continue;
    }
    const next14 = statuses.slice(i, i + 14);
    if (next14.every((x) => x <= Status.SmallDelta)) {
      chunks.push(next14.reduce((c, x, k) => c | (x << (13 - k)), 0x8000));
      i += next14.length;
    } else {
      const next7 = statuses.slice(i, i + 7);
      chunks.push(next7.reduce((c, x, k) => c | (x << (12 - 2 * k)), 0xc000));
      i += next7.length;
    }
  }
  return chunks;
}

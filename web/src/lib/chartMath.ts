/** Pure chart math for the small SVG charts (bigint amounts scaled without floats until the pixel). */

export interface Point {
  /** ms */
  t: number;
  v: bigint;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  t: number;
  v: bigint;
}

/**
 * Sums points into buckets of `bucketMs` (aligned to UTC), oldest first, filling empty buckets with 0;
 * `until` (ms) extends the range to that time so a chart always ends today.
 */
export function bucketize(points: Point[], bucketMs: number, maxBuckets = 60, until?: number): Point[] {
  if (points.length === 0) return [];
  const sums = new Map<number, bigint>();
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    const b = Math.floor(p.t / bucketMs) * bucketMs;
    sums.set(b, (sums.get(b) ?? 0n) + p.v);
    min = Math.min(min, b);
    max = Math.max(max, b);
  }
  if (until !== undefined) {
    max = Math.max(max, Math.floor(until / bucketMs) * bucketMs);
    min = max - (maxBuckets - 1) * bucketMs;
  } else {
    min = Math.max(min, max - (maxBuckets - 1) * bucketMs);
  }
  const out: Point[] = [];
  for (let t = min; t <= max; t += bucketMs) out.push({ t, v: sums.get(t) ?? 0n });
  return out;
}

/** Lays out bars in a width x height box; heights are proportional to v / max(v), at least 1px for non-zero. */
export function layoutBars(points: Point[], width: number, height: number, gap = 2): Bar[] {
  if (points.length === 0) return [];
  // biome-ignore lint/complexity/useMathMinMax: the values are bigint, which Math.max rejects
  const max = points.reduce((m, p) => (p.v > m ? p.v : m), 0n);
  const slot = width / points.length;
  const w = Math.max(1, slot - gap);
  return points.map((p, i) => {
    // Scale in integers (per-mille of max) so huge 18-decimal amounts never lose the ordering.
    const permille = max === 0n ? 0 : Number((p.v * 1000n) / max);
    let h = (permille / 1000) * height;
    if (p.v > 0n && h < 1) h = 1;
    return { x: i * slot + gap / 2, y: height - h, width: w, height: h, t: p.t, v: p.v };
  });
}

/** Share of `part` in `total` as a percentage with one decimal (for leaderboard bars). */
export function percentOf(part: bigint, total: bigint): number {
  if (total <= 0n) return 0;
  return Number((part * 1000n) / total) / 10;
}

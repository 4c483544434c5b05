/**
 * A sliding-window rate limiter kept in memory: at most `limit` events per `windowMs` for a key
 * (an IP, an account). One instance per budget; `sweep` now and then so the map does not grow with
 * every key seen. Shared by the live service, its media backend and the platform's chain proxy.
 */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();

  /** Records an event if allowed; otherwise returns the ms until one is. */
  take(key: string, limit: number, windowMs: number, now: number): number {
    let hits = this.#hits.get(key);
    if (!hits) this.#hits.set(key, (hits = []));
    while (hits.length && hits[0]! <= now - windowMs) hits.shift();
    if (hits.length >= limit) return hits[0]! + windowMs - now;
    hits.push(now);
    return 0;
  }

  /** Drops keys with no event in the window. */
  sweep(windowMs: number, now: number): void {
    for (const [k, hits] of this.#hits)
      if (!hits.length || hits[hits.length - 1]! <= now - windowMs) this.#hits.delete(k);
  }
}

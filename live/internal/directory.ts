/**
 * What the live service asks the indexer about people, cached for `ttlMs`: profiles (handle,
 * broadcaster flag) and follows. Concurrent asks for the same key share one request. Handles are
 * served stale while they refresh; profiles and follows (which gate actions) are not.
 */
import type { IndexerClient, ProfileInfo } from './indexer.js';

export interface Directory {
  /** The profile; throws INDEXER_UNAVAILABLE when the indexer cannot answer. */
  profile(address: string): Promise<ProfileInfo>;
  /** The handle, or null when unregistered or the indexer cannot answer (chat must not stop). */
  handle(address: string): Promise<string | null>;
  /** The handle if already cached (no request). */
  cachedHandle(address: string): string | null | undefined;
  /** Whether `follower` follows `followee`; throws when the indexer cannot answer. */
  follows(follower: string, followee: string): Promise<boolean>;
}

/**
 * A handle fit to show next to someone's words, or null. Profiles allows only `[a-z0-9_]`, but the
 * live service may follow another deployment's indexer: anything else (bidi overrides, zero-width
 * characters, separators, lookalikes) is shown as the address instead of being trusted.
 */
export function displayHandle(handle: string | null | undefined): string | null {
  return typeof handle === 'string' && /^[a-z0-9_]{1,64}$/.test(handle) ? handle : null;
}

/** A cache over `indexer`. */
export function createDirectory(indexer: IndexerClient, ttlMs: number, now: () => number): Directory {
  const profiles = new Map<string, { at: number; value: Promise<ProfileInfo> }>();
  const follows = new Map<string, { at: number; value: Promise<boolean> }>();
  const handles = new Map<string, string | null>();

  function cached<T>(
    map: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = map.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    if (map.size > 50_000) map.clear();
    const value = load();
    map.set(key, { at: now(), value });
    // A failure is not cached: the next ask tries again.
    value.catch(() => map.get(key)?.value === value && map.delete(key));
    return value;
  }

  const profile = (address: string): Promise<ProfileInfo> =>
    cached(profiles, address, async () => {
      const raw = await indexer.profile(address);
      const p = { ...raw, handle: displayHandle(raw.handle) };
      handles.set(address, p.handle);
      return p;
    });

  return {
    profile,
    async handle(address) {
      const known = handles.get(address);
      if (known !== undefined) {
        // A handle is display data: answer at once with the one we have and refresh behind it, so
        // a chatter's message never waits on the indexer once their handle is known.
        profile(address).catch(() => undefined);
        return known;
      }
      try {
        return (await profile(address)).handle;
      } catch {
        return null;
      }
    },
    cachedHandle: (address) => handles.get(address),
    follows: (follower, followee) =>
      cached(follows, `${follower}:${followee}`, () => indexer.follows(follower, followee)),
  };
}

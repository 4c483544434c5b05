/**
 * What an epoch of relay claims is worth (relay rewards, issue 16): only confirmed relay counts.
 * The credit of uploader U from downloader D is, per stream, min(U's claim of bytes given to D,
 * D's claim of bytes received from U), summed over the streams and capped per pair; a claim the
 * other side does not confirm is worth nothing, and relay between one address and itself (two
 * tabs, two peer ids of one account) is worth nothing.
 */
import type { PairClaims } from './store.js';

/** One address pair's epoch: what each side claimed and what counts. */
export interface PairCredit {
  uploader: string;
  downloader: string;
  gave: bigint;
  received: bigint;
  /** Confirmed bytes after the self-relay rule and the cap. */
  confirmed: bigint;
}

/** An uploader's confirmed bytes over all its downloaders. */
export interface UploaderCredit {
  uploader: string;
  confirmed: bigint;
}

export interface RelayCredits {
  pairs: PairCredit[];
  /** Uploaders with confirmed bytes above zero, most first (ties by address). */
  uploaders: UploaderCredit[];
  /** Bytes claimed given (uploaders' side) and confirmed, over all pairs. */
  claimedGave: bigint;
  confirmed: bigint;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The confirmed relay of an epoch's claims; `pairCap` bounds what one pair earns (bytes). */
export function relayCredits(claims: readonly PairClaims[], pairCap?: bigint): RelayCredits {
  const pairs = new Map<string, PairCredit>();
  for (const c of claims) {
    const key = `${c.uploader}:${c.downloader}`;
    const p = pairs.get(key) ?? {
      uploader: c.uploader,
      downloader: c.downloader,
      gave: 0n,
      received: 0n,
      confirmed: 0n,
    };
    p.gave += c.gave;
    p.received += c.received;
    if (c.uploader !== c.downloader) p.confirmed += min(c.gave, c.received);
    pairs.set(key, p);
  }
  const byUploader = new Map<string, bigint>();
  let claimedGave = 0n;
  let confirmed = 0n;
  for (const p of pairs.values()) {
    if (pairCap !== undefined) p.confirmed = min(p.confirmed, pairCap);
    claimedGave += p.gave;
    confirmed += p.confirmed;
    if (p.confirmed > 0n) byUploader.set(p.uploader, (byUploader.get(p.uploader) ?? 0n) + p.confirmed);
  }
  const uploaders = [...byUploader]
    .map(([uploader, c]) => ({ uploader, confirmed: c }))
    .sort((a, b) =>
      a.confirmed === b.confirmed ? (a.uploader < b.uploader ? -1 : 1) : a.confirmed > b.confirmed ? -1 : 1,
    );
  return { pairs: [...pairs.values()], uploaders, claimedGave, confirmed };
}

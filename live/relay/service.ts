/**
 * Relay reports (issue 16, relay rewards): signed-in viewers bind their p2p peer id to their
 * address and report, per stream and interval, the segment bytes they gave to and received from
 * each peer. The service stores each side's claims as they are; what an epoch's confirmed relay is
 * worth is decided later, from both sides (credit.ts, `npm run rewards -- relay`).
 *
 * Bounded: bodies by the schemas in lib/protocol/relay.ts (peers per report, bytes per entry),
 * reports and bindings per address by sliding windows, on top of the per-IP write budget of every
 * HTTP write.
 */
import type { z } from 'zod';
import {
  type RelayPeerAnswer,
  type RelayReportAnswer,
  relayPeerBody,
  relayReportBody,
} from '../../lib/protocol/relay.js';
import { RateLimiter } from '../../lib/rateLimit.js';
import { LiveError } from '../internal/errors.js';
import type { RelayClaimRow, RelayStore } from './store.js';

export interface RelayLimits {
  /** Reports one address may send per minute (the player sends one per 10 s and one on leaving). */
  reportsPerMinute: number;
  /** Peer ids one address may bind per day (one per player started). */
  peersPerDay: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = { reportsPerMinute: 20, peersPerDay: 500 };

export interface RelayParams {
  store: RelayStore;
  /** Whether a stream exists (reports may arrive after it ended). */
  streamExists: (streamId: number) => boolean;
  now: () => number;
  limits?: Partial<RelayLimits>;
}

export interface Relay {
  /** Binds the caller's peer id (PEER_ID_TAKEN when another address has it). */
  bind(address: string, body: unknown): RelayPeerAnswer;
  /** Stores a report of the caller's peer (PEER_NOT_BOUND unless the caller bound it). */
  report(address: string, body: unknown): RelayReportAnswer;
  /** Drops idle rate-limit keys. */
  sweep(): void;
}

const DAY = 86_400_000;

/** Parses a body with a schema; BAD_REQUEST naming the first offending field. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new LiveError('BAD_REQUEST', `${field}: ${issue.message}`, { field });
}

/** Builds the relay service over its store. */
export function createRelay(p: RelayParams): Relay {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...p.limits };
  const limiter = new RateLimiter();

  const ownPeer = (address: string, peerId: string): void => {
    if (p.store.peerAddress(peerId) !== address)
      throw new LiveError('PEER_NOT_BOUND', 'bind this peer id to your account first (POST /api/relay/peer)', {
        field: 'peerId',
      });
  };

  return {
    bind(address, body) {
      const { peerId } = parse(relayPeerBody, body);
      const owner = p.store.peerAddress(peerId);
      if (owner === address) return { peerId, address };
      if (owner !== undefined)
        throw new LiveError('PEER_ID_TAKEN', 'this peer id belongs to another account', { field: 'peerId' });
      const now = p.now();
      if (p.store.peersBoundSince(address, now - DAY) >= limits.peersPerDay)
        throw new LiveError('RATE_LIMITED', `at most ${limits.peersPerDay} peer ids per account and day`, {
          retryAfterMs: 60_000,
        });
      p.store.bindPeer(peerId, address, now);
      return { peerId, address };
    },

    report(address, body) {
      const r = parse(relayReportBody, body);
      const streamId = Number(r.streamId);
      if (!p.streamExists(streamId)) throw new LiveError('STREAM_NOT_FOUND', `no stream ${r.streamId}`);
      ownPeer(address, r.peerId);
      const seen = new Set<string>();
      for (const [i, e] of r.peers.entries()) {
        if (e.peerId === r.peerId)
          throw new LiveError('BAD_REQUEST', 'a peer does not relay to itself', { field: `peers.${i}.peerId` });
        if (seen.has(e.peerId))
          throw new LiveError('BAD_REQUEST', 'each peer once per report', { field: `peers.${i}.peerId` });
        seen.add(e.peerId);
      }
      const at = p.now();
      const wait = limiter.take(address, limits.reportsPerMinute, 60_000, at);
      if (wait > 0)
        throw new LiveError('RATE_LIMITED', `at most ${limits.reportsPerMinute} relay reports per minute`, {
          retryAfterMs: wait,
        });
      // The reporter's own peer is the uploader of what it gave and the downloader of what it received.
      const rows: RelayClaimRow[] = r.peers.flatMap((e) => [
        ...(e.gave > 0
          ? [{ streamId, side: 'gave' as const, uploaderPeer: r.peerId, downloaderPeer: e.peerId, bytes: e.gave, at }]
          : []),
        ...(e.received > 0
          ? [
              {
                streamId,
                side: 'received' as const,
                uploaderPeer: e.peerId,
                downloaderPeer: r.peerId,
                bytes: e.received,
                at,
              },
            ]
          : []),
      ]);
      if (rows.length) p.store.insertReports(rows);
      return { stored: rows.length };
    },

    sweep() {
      limiter.sweep(60_000, p.now());
    },
  };
}

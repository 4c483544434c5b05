/**
 * Relay reports of peer-to-peer HLS (issue 16, relay rewards): the bodies the web player posts to
 * the live service and what it answers, as zod schemas (the service parses every body with them;
 * the player builds its bodies from the inferred types).
 *
 * - `POST /api/relay/peer` `{peerId}`: binds the player's p2p peer id (the one it announces to the
 *   tracker) to the signed-in address, before the player announces it. A peer id binds once and
 *   for good: another address asking for it is refused with PEER_ID_TAKEN.
 * - `POST /api/relay/report` `{streamId, peerId, peers: [{peerId, gave, received}]}`: the bytes of
 *   segment data this peer (`peerId`, bound to the caller) gave to and received from each other
 *   peer since its previous report. The service stamps each report with its own clock; an epoch
 *   of `npm run rewards -- relay` is the reports received in it.
 */
import { z } from 'zod';

/** A p2p-media-loader peer id: 20 characters of its alphabet. */
export const PEER_ID = /^[A-Za-z0-9]{20}$/;
/** Peers one report may name (the loader keeps far fewer connections). */
export const RELAY_MAX_PEERS = 32;
/**
 * The most bytes one report may claim per peer and direction: 64 MiB, 50 Mbit/s for 10 s, beyond
 * any rendition's bitrate over one reporting interval.
 */
export const RELAY_MAX_BYTES = 64 * 1024 * 1024;
/** How often the player reports (ms); the service's rate limit allows a few more. */
export const RELAY_REPORT_MS = 10_000;

const peerId = z.string().regex(PEER_ID, 'a peer id is 20 letters and digits');
const bytes = z.number().int().min(0).max(RELAY_MAX_BYTES);

/** `POST /api/relay/peer`. */
export const relayPeerBody = z.object({ peerId }).strict();
export type RelayPeerBody = z.infer<typeof relayPeerBody>;

/** One counterpart in a report: what this peer gave to it and received from it, in bytes. */
export const relayPeerEntry = z.object({ peerId, gave: bytes, received: bytes }).strict();
export type RelayPeerEntry = z.infer<typeof relayPeerEntry>;

/** `POST /api/relay/report`. */
export const relayReportBody = z
  .object({
    streamId: z.string().regex(/^[1-9]\d{0,15}$/, 'streamId is a stream id'),
    peerId,
    peers: z.array(relayPeerEntry).min(1).max(RELAY_MAX_PEERS),
  })
  .strict();
export type RelayReportBody = z.infer<typeof relayReportBody>;

/** What `POST /api/relay/peer` answers. */
export interface RelayPeerAnswer {
  peerId: string;
  address: string;
}

/** What `POST /api/relay/report` answers: the rows stored (one per direction with bytes). */
export interface RelayReportAnswer {
  stored: number;
}
